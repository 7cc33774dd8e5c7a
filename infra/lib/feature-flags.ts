/**
 * CDK feature flags and synthesis settings, given to the App as default context so a direct
 * `node app.js` (the tests) and `cdk synth` (which adds cdk.json and -c values on top) agree.
 */
export const APP_CONTEXT: Record<string, unknown> = {
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-ecs:arnFormatIncludesClusterName': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption': true,
  '@aws-cdk/aws-kms:aliasNameRef': true,
  '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': false,
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/core:validationReportJson': true,
};
