#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ParasolStack } from '../lib/parasol-stack';

const app = new App();
new ParasolStack(app, 'ParasolExample', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
