/**
 * The parasol extension on Lambda with the CDK: the layer zips from
 * `parasol layer build`, a Node.js function (nodejs layer) and a Python one
 * (standalone arm64 layer), the extension's env vars, and least-privilege reads.
 * Not built in parasol's CI; see ../README.md to deploy it.
 */
import * as path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

const LAYERS = path.join(__dirname, '../../../dist/layers');

/** The AWS extension's variables: same names, same meaning, same defaults. */
const EXTENSION_ENV = {
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773',
  PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'INFO',
  PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '1000',
  SECRETS_MANAGER_TTL: '300',
  SSM_PARAMETER_STORE_TTL: '300',
};

export class ParasolStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // A customer managed key: the function then also needs kms:Decrypt (granted by grantRead below).
    const key = new kms.Key(this, 'SecretsKey', { enableKeyRotation: true });
    const secret = new secretsmanager.Secret(this, 'DbSecret', {
      secretName: 'demo/db-credentials',
      encryptionKey: key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'demo' }),
        generateStringKey: 'password',
        excludePunctuation: true,
      },
    });
    const parameter = new ssm.StringParameter(this, 'FeatureParameter', {
      parameterName: '/demo/config/feature/new-checkout',
      stringValue: 'true',
    });

    const nodejsLayer = new lambda.LayerVersion(this, 'ParasolNodejs', {
      code: lambda.Code.fromAsset(path.join(LAYERS, 'parasol-extension-nodejs.zip')),
      compatibleRuntimes: [lambda.Runtime.NODEJS_20_X, lambda.Runtime.NODEJS_22_X],
      compatibleArchitectures: [lambda.Architecture.X86_64, lambda.Architecture.ARM_64],
      description: 'parasol extension for Node.js runtimes (uses the runtime node)',
    });
    const arm64Layer = new lambda.LayerVersion(this, 'ParasolArm64', {
      code: lambda.Code.fromAsset(path.join(LAYERS, 'parasol-extension-arm64.zip')),
      // CDK defaults to [x86_64]; the field is only metadata, but keep it true.
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      description: 'parasol extension, standalone executable (any runtime), arm64',
    });

    const env = { ...EXTENSION_ENV, DB_SECRET_ID: secret.secretArn, FEATURE_PARAMETER: parameter.parameterName };

    const nodeFunction = new NodejsFunction(this, 'NodeFunction', {
      entry: path.join(__dirname, '../../lambda/handler.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_20_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      layers: [nodejsLayer],
      environment: env,
      bundling: { format: OutputFormat.ESM, minify: true },
    });

    const pythonFunction = new lambda.Function(this, 'PythonFunction', {
      runtime: lambda.Runtime.PYTHON_3_12,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      memorySize: 256,
      timeout: Duration.seconds(10),
      layers: [arm64Layer],
      environment: env,
      code: lambda.Code.fromInline(
        [
          'import json, os, urllib.parse, urllib.request',
          "BASE = f\"http://127.0.0.1:{os.environ.get('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', '2773')}\"",
          "TOKEN = os.environ.get('AWS_TOKEN') or os.environ['AWS_SESSION_TOKEN']",
          'def get(path):',
          "    req = urllib.request.Request(BASE + path, headers={'X-Aws-Parameters-Secrets-Token': TOKEN})",
          '    with urllib.request.urlopen(req, timeout=5) as res:',
          '        return json.load(res)',
          'def handler(event, context):',
          "    secret = get('/secretsmanager/get?secretId=' + urllib.parse.quote(os.environ['DB_SECRET_ID'], safe=''))",
          "    param = get('/systemsmanager/parameters/get?name=' + urllib.parse.quote(os.environ['FEATURE_PARAMETER'], safe=''))",
          "    ok = bool(json.loads(secret.get('SecretString') or '{}').get('password'))",
          "    return {'statusCode': 200, 'body': json.dumps({'hasPassword': ok, 'newCheckout': param['Parameter']['Value'] == 'true'})}",
        ].join('\n'),
      ),
    });

    for (const fn of [nodeFunction, pythonFunction]) {
      // secretsmanager:GetSecretValue (+ DescribeSecret) on this secret and kms:Decrypt on its key via Secrets Manager.
      secret.grantRead(fn);
      // ssm:GetParameter(s) and ssm:GetParameterHistory on this parameter.
      parameter.grantRead(fn);
    }

    new CfnOutput(this, 'NodeFunctionName', { value: nodeFunction.functionName });
    new CfnOutput(this, 'PythonFunctionName', { value: pythonFunction.functionName });
  }
}
