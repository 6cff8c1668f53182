/**
 * The parasol extension on Lambda with the CDK: the layer zips from
 * `parasol layer build`, a Node.js function (nodejs layer, attached through
 * CDK's own `paramsAndSecrets`) and a Python one (standalone arm64 layer),
 * and least-privilege reads. `npx cdk synth` runs in parasol's CI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

const REPO_ROOT = path.join(__dirname, '../../..');
/** Where `npx parasol layer build` wrote the zips (default: the repository's dist/layers). */
const LAYERS = process.env.PARASOL_LAYERS_DIR ?? path.join(REPO_ROOT, 'dist/layers');

function layerZip(name: string): lambda.Code {
  const file = path.join(LAYERS, name);
  if (!fs.existsSync(file))
    throw new Error(`${file} not found: build the layers first (npx parasol layer build), or set PARASOL_LAYERS_DIR`);
  return lambda.Code.fromAsset(file);
}

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
      code: layerZip('parasol-extension-nodejs.zip'),
      compatibleRuntimes: [lambda.Runtime.NODEJS_22_X, lambda.Runtime.NODEJS_24_X],
      compatibleArchitectures: [lambda.Architecture.X86_64, lambda.Architecture.ARM_64],
      description: 'parasol extension for Node.js runtimes (uses the runtime node)',
    });
    const arm64Layer = new lambda.LayerVersion(this, 'ParasolArm64', {
      code: layerZip('parasol-extension-arm64.zip'),
      // CDK defaults to [x86_64]; the field is only metadata, but keep it true.
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      description: 'parasol extension, standalone executable (any runtime), arm64',
    });

    // The AWS extension's settings, same names, same defaults. CDK turns them into the extension's
    // environment variables (PARAMETERS_SECRETS_EXTENSION_*, SECRETS_MANAGER_TTL, SSM_PARAMETER_STORE_TTL).
    const extensionSettings: lambda.ParamsAndSecretsOptions = {
      cacheSize: 1000,
      httpPort: 2773,
      logLevel: lambda.ParamsAndSecretsLogLevel.INFO,
      secretsManagerTtl: Duration.seconds(300),
      parameterStoreTtl: Duration.seconds(300),
    };
    const env = { DB_SECRET_ID: secret.secretArn, FEATURE_PARAMETER: parameter.parameterName };

    const nodeFunction = new NodejsFunction(this, 'NodeFunction', {
      entry: path.join(__dirname, '../../lambda/handler.ts'),
      // The handler imports @parasol/client, which resolves from the repository's node_modules (npm run build first).
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: env,
      // The one-line swap: AWS's layer was
      //   lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, extensionSettings)
      paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersionArn(nodejsLayer.layerVersionArn, extensionSettings),
      bundling: { format: OutputFormat.ESM, minify: true, sourceMap: true },
    });

    const pythonFunction = new lambda.Function(this, 'PythonFunction', {
      runtime: lambda.Runtime.PYTHON_3_12,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      memorySize: 256,
      timeout: Duration.seconds(10),
      // Any runtime without node: the standalone layer, attached the same way.
      paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersionArn(arm64Layer.layerVersionArn, extensionSettings),
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
