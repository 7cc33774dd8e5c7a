#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '../lib/config';
import { APP_CONTEXT } from '../lib/feature-flags';
import { NlpBatchStack } from '../lib/nlp-batch-stack';
import { applyNagSuppressions } from '../lib/nag-suppressions';

/**
 * `cdk synth` / `cdk deploy` entry point. Environment-agnostic (no account or region): the stack
 * deploys into whatever the CLI's credentials point at, and synthesis never calls AWS.
 */
const app = new App({ context: APP_CONTEXT });
const config = readConfig((key) => app.node.tryGetContext(key));
const stack = new NlpBatchStack(app, config.stackName, {
  config,
  description: 'nlp-batch: Temporal batch NLP pipeline (S3 store, S3 events, Glue, AWS Batch, ECS worker, alarms)',
  tags: { project: 'nlp-batch' },
});
if (config.nag) {
  applyNagSuppressions(stack);
  // A finding without an acknowledgement fails synthesis (CDK policy validation); the report goes to
  // policy-validation-report.json in the cloud assembly.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
}
app.synth();
