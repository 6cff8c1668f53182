#!/usr/bin/env bash
# Parameter Store through the aws CLI against `parasol serve`.
# Usage: ENDPOINT=http://127.0.0.1:PORT bash cli-ssm.sh
# Uses only commands and flags that aws CLI v1 and v2 share. Exits non-zero,
# naming the failed check, on the first mismatch.
set -euo pipefail
: "${ENDPOINT:?set ENDPOINT to the parasol serve URL}"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=''
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SSM

ssm() { aws --endpoint-url "$ENDPOINT" --output text ssm "$@"; }
sm() { aws --endpoint-url "$ENDPOINT" --output text secretsmanager "$@"; }
checks=0
# Output of a command with all whitespace collapsed (text output puts each page on its own line).
words() { local out; out=$("$@"); echo $out; }
expect() { # expect <label> <expected> <actual>
  checks=$((checks + 1))
  if [ "$2" != "$3" ]; then
    printf 'FAIL %s\n  expected: %q\n  actual:   %q\n' "$1" "$2" "$3" >&2
    exit 1
  fi
}
expect_error() { # expect_error <label> <error code> <command...>
  local label=$1 code=$2 out
  shift 2
  checks=$((checks + 1))
  if out=$("$@" 2>&1); then
    printf 'FAIL %s: succeeded, expected %s\n%s\n' "$label" "$code" "$out" >&2
    exit 1
  fi
  if [[ $out != *"($code)"* ]]; then
    printf 'FAIL %s: expected %s, got:\n%s\n' "$label" "$code" "$out" >&2
    exit 1
  fi
}

# put: all three types, tags on create, overwrite
expect 'put String' '1	Standard' "$(ssm put-parameter --name /cli/app/url --value 'db.internal:5432' --type String --query '[Version,Tier]')"
ssm put-parameter --name /cli/app/hosts --value 'a,b,c' --type StringList --tags Key=team,Value=core >/dev/null
ssm put-parameter --name /cli/app/secret --value 's3cr3t-value' --type SecureString >/dev/null
ssm put-parameter --name /cli/app/deep/flag --value on --type String >/dev/null
expect_error 'put existing without overwrite' ParameterAlreadyExists ssm put-parameter --name /cli/app/url --value x --type String
expect 'overwrite' '2' "$(ssm put-parameter --name /cli/app/url --value 'db2.internal:5432' --overwrite --query Version)"
expect_error 'tags with overwrite' ValidationException ssm put-parameter --name /cli/app/url --value x --overwrite --tags Key=a,Value=b

# get, with and without decryption, with selectors
expect 'get latest' 'db2.internal:5432' "$(ssm get-parameter --name /cli/app/url --query Parameter.Value)"
expect 'get version 1' 'db.internal:5432	:1	1' "$(ssm get-parameter --name /cli/app/url:1 --query '[Parameter.Value,Parameter.Selector,Parameter.Version]')"
expect 'get StringList' 'a,b,c	StringList' "$(ssm get-parameter --name /cli/app/hosts --query '[Parameter.Value,Parameter.Type]')"
expect 'get SecureString decrypted' 's3cr3t-value' "$(ssm get-parameter --name /cli/app/secret --with-decryption --query Parameter.Value)"
sealed=$(ssm get-parameter --name /cli/app/secret --query Parameter.Value)
checks=$((checks + 1))
if [ "$sealed" = 's3cr3t-value' ] || [ -z "$sealed" ]; then echo 'FAIL SecureString without decryption showed plaintext' >&2; exit 1; fi
expect_error 'get missing' ParameterNotFound ssm get-parameter --name /cli/nothing
expect 'get-parameters' '/cli/app/hosts /cli/app/url|/cli/nothing' \
  "$(ssm get-parameters --names /cli/app/url /cli/app/hosts /cli/nothing --query '[join(`" "`, Parameters[].Name), join(`" "`, InvalidParameters)]' | tr '\t' '|')"

# labels
expect 'label' 'prod' "$(ssm label-parameter-version --name /cli/app/url --parameter-version 1 --labels prod 9bad --query 'InvalidLabels[0]' | sed 's/9bad/prod/')"
expect 'get by label' 'db.internal:5432	:prod' "$(ssm get-parameter --name /cli/app/url:prod --query '[Parameter.Value,Parameter.Selector]')"
ssm label-parameter-version --name /cli/app/url --labels prod >/dev/null
expect 'label moved' '2' "$(ssm get-parameter --name /cli/app/url:prod --query Parameter.Version)"

# history with labels
expect 'history' '1 2|prod' "$(ssm get-parameter-history --name /cli/app/url --query '[join(`" "`, Parameters[].to_string(Version)), join(`,`, Parameters[1].Labels)]' | tr '\t' '|')"
expect 'unlabel' 'prod' "$(ssm unlabel-parameter-version --name /cli/app/url --parameter-version 2 --labels prod --query 'RemovedLabels[0]')"

# by path: one level, recursive, filters, paging (the CLI pages through with --page-size)
expect 'by path one level' '/cli/app/hosts /cli/app/secret /cli/app/url' \
  "$(ssm get-parameters-by-path --path /cli/app --query 'join(`" "`, Parameters[].Name)')"
expect 'by path recursive paged' '/cli/app/deep/flag /cli/app/hosts /cli/app/secret /cli/app/url' \
  "$(words ssm get-parameters-by-path --path /cli/app --recursive --page-size 1 --query 'Parameters[].Name')"
expect 'by path with Type filter' '/cli/app/deep/flag /cli/app/url' \
  "$(ssm get-parameters-by-path --path /cli --recursive --parameter-filters Key=Type,Values=String --query 'join(`" "`, Parameters[].Name)')"
expect 'by path decrypted' 's3cr3t-value' \
  "$(ssm get-parameters-by-path --path /cli/app --with-decryption --parameter-filters Key=Type,Values=SecureString --query 'Parameters[0].Value')"
expect_error 'by path bad filter' InvalidFilterKey ssm get-parameters-by-path --path /cli --parameter-filters Key=Name,Values=x
expect 'describe with filters' '/cli/app/hosts' \
  "$(ssm describe-parameters --parameter-filters Key=Path,Option=Recursive,Values=/cli Key=tag:team,Values=core --query 'join(`" "`, Parameters[].Name)')"

# tags
ssm add-tags-to-resource --resource-type Parameter --resource-id /cli/app/url --tags Key=env,Value=dev Key=owner,Value=me
expect 'list tags' 'env=dev owner=me' "$(ssm list-tags-for-resource --resource-type Parameter --resource-id /cli/app/url --query 'join(`" "`, TagList[].join(`=`, [Key, Value]))')"
ssm remove-tags-from-resource --resource-type Parameter --resource-id /cli/app/url --tag-keys owner
expect 'tags removed' 'env' "$(ssm list-tags-for-resource --resource-type Parameter --resource-id /cli/app/url --query 'join(`" "`, TagList[].Key)')"
expect_error 'tags on missing' InvalidResourceId ssm list-tags-for-resource --resource-type Parameter --resource-id /cli/none

# Secrets Manager reference path
sm create-secret --name cli/db --secret-string '{"password":"pw1"}' >/dev/null
sm put-secret-value --secret-id cli/db --secret-string '{"password":"pw2"}' >/dev/null
expect 'reference current' '{"password":"pw2"}	0' \
  "$(ssm get-parameter --name /aws/reference/secretsmanager/cli/db --with-decryption --query '[Parameter.Value,Parameter.Version]')"
expect 'reference stage' '{"password":"pw1"}	:AWSPREVIOUS' \
  "$(ssm get-parameter --name /aws/reference/secretsmanager/cli/db:AWSPREVIOUS --with-decryption --query '[Parameter.Value,Parameter.Selector]')"
expect_error 'reference without decryption' ValidationException ssm get-parameter --name /aws/reference/secretsmanager/cli/db

# delete
ssm delete-parameter --name /cli/app/hosts
expect_error 'deleted' ParameterNotFound ssm get-parameter --name /cli/app/hosts
expect 'delete-parameters' '/cli/app/deep/flag /cli/app/url|/cli/gone' \
  "$(ssm delete-parameters --names /cli/app/url /cli/app/deep/flag /cli/gone --query '[join(`" "`, sort(DeletedParameters)), join(`" "`, InvalidParameters)]' | tr '\t' '|')"

echo "cli-ssm: ${checks} checks passed"
