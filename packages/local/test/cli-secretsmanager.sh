#!/usr/bin/env bash
# Drives parasol's local Secrets Manager with the real aws CLI (v1 or v2) and
# checks its outputs. Needs PARASOL_ENDPOINT; the node test sets it and the
# credentials (test/test, us-east-1).
set -euo pipefail

: "${PARASOL_ENDPOINT:?set PARASOL_ENDPOINT to the parasol serve URL}"
sm() { aws --endpoint-url "$PARASOL_ENDPOINT" --output text secretsmanager "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [ "$1" == "$2" ] || fail "$3: expected '$2', got '$1'"; }
expect_match() { [[ "$1" =~ $2 ]] || fail "$3: '$1' does not match /$2/"; }

NAME="cli/app-$$"

# Each aws CLI v1 start costs ~1 s, so checks are combined into few calls.
TAB=$'\t'

# create / get
ARN=$(sm create-secret --name "$NAME" --description "cli test secret" --secret-string '{"user":"admin","pass":"one"}' \
  --tags Key=team,Value=payments --query ARN)
expect_match "$ARN" "^arn:aws:secretsmanager:us-east-1:123456789012:secret:$NAME-[A-Za-z0-9]{6}$" "create-secret ARN"
IFS="$TAB" read -r VALUE V1 < <(sm get-secret-value --secret-id "$ARN" --query '[SecretString, VersionId]')
expect_eq "$VALUE" '{"user":"admin","pass":"one"}' "get-secret-value"

# put: new AWSCURRENT, old AWSPREVIOUS
V2=$(sm put-secret-value --secret-id "$NAME" --secret-string two --query VersionId)
expect_eq "$(sm get-secret-value --secret-id "$NAME" --query SecretString)" "two" "value after put"
expect_eq "$(sm get-secret-value --secret-id "$NAME" --version-stage AWSPREVIOUS --query VersionId)" "$V1" "AWSPREVIOUS"

# update-version-stage: roll AWSCURRENT back to V1
sm update-secret-version-stage --secret-id "$NAME" --version-stage AWSCURRENT --move-to-version-id "$V1" --remove-from-version-id "$V2" >/dev/null
expect_eq "$(sm get-secret-value --secret-id "$NAME" --query SecretString)" '{"user":"admin","pass":"one"}' "after stage move"

# describe
expect_eq "$(sm describe-secret --secret-id "$NAME" --query "[Description, Tags[0].Value, VersionIdsToStages.\"$V2\"[0]]")" \
  "cli test secret${TAB}payments${TAB}AWSPREVIOUS" "describe-secret"

# list with filters
sm create-secret --name "other/x-$$" --secret-string x >/dev/null
expect_eq "$(sm list-secrets --filters Key=name,Values=cli/ --query 'SecretList[].Name')" "$NAME" "name filter"
expect_eq "$(sm list-secrets --filters Key=tag-key,Values=team Key=description,Values=cli --query 'SecretList[].Name')" "$NAME" "tag-key + description filters"
expect_eq "$(sm list-secrets --filters Key=name,Values='!cli/' --query "SecretList[?Name=='$NAME'] | length(@)")" "0" "negated filter"

# tag / untag
sm tag-resource --secret-id "$NAME" --tags Key=env,Value=dev >/dev/null
sm untag-resource --secret-id "$NAME" --tag-keys team >/dev/null
expect_eq "$(sm describe-secret --secret-id "$NAME" --query '[length(Tags), Tags[0].Key]')" "1${TAB}env" "tag-resource + untag-resource"

# delete / restore
sm delete-secret --secret-id "$NAME" --recovery-window-in-days 7 >/dev/null
if out=$(sm get-secret-value --secret-id "$NAME" 2>&1); then fail "get-secret-value on a deleted secret succeeded"; fi
expect_match "$out" "InvalidRequestException.*marked for deletion" "get on deleted secret"
sm restore-secret --secret-id "$NAME" >/dev/null
expect_eq "$(sm get-secret-value --secret-id "$NAME" --query SecretString)" '{"user":"admin","pass":"one"}' "after restore"
sm delete-secret --secret-id "$NAME" --force-delete-without-recovery >/dev/null
if out=$(sm describe-secret --secret-id "$NAME" 2>&1); then fail "describe after force delete succeeded"; fi
expect_match "$out" "ResourceNotFoundException" "describe after force delete"

# errors come back as AWS errors
if out=$(sm create-secret --name "bad name" --secret-string x 2>&1); then fail "invalid name accepted"; fi
expect_match "$out" "ValidationException" "invalid name"

# get-random-password
PW=$(sm get-random-password --password-length 40 --exclude-punctuation --query RandomPassword)
expect_match "$PW" '^[A-Za-z0-9]{40}$' "password length and alphabet"

echo "cli-secretsmanager: all checks passed"
