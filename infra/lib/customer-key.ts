import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface CustomerKeyProps {
  description: string;
  /** Alias suffix: alias/<stack name>/<name>. */
  name: string;
}

/**
 * A customer-managed KMS key with yearly rotation. Two are used: `data` (S3 buckets, secrets, log
 * groups, CloudTrail) and `messaging` (the SQS queues and the SNS topic). They are separate because
 * S3 event notifications to an encrypted queue put the bucket's ARN into the queue key's policy,
 * and the bucket itself is encrypted with the data key: one key would be a dependency cycle.
 * Service principals get only what their integration needs, limited to this account.
 */
export class CustomerKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: CustomerKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: props.description,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addAlias(`alias/${Stack.of(this).stackName}/${props.name}`);
  }

  /** CloudWatch Logs encrypts the pipeline's log groups (Lambda, ECS, Batch, Glue, flow logs). */
  allowCloudWatchLogs(): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
        },
      }),
    );
  }

  /** S3 notifies the encrypted queue; CloudWatch alarms and EventBridge rules publish to the encrypted topic. */
  allowMessagingServices(): void {
    const sameAccount = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ServicesPublishingToEncryptedQueuesAndTopics',
        principals: [
          new iam.ServicePrincipal('s3.amazonaws.com'),
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
          new iam.ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: sameAccount,
      }),
    );
  }

  /** CloudTrail encrypts this account's trail logs with the key (only trails of this account). */
  allowCloudTrail(): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncrypt',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${Aws.PARTITION}:cloudtrail:*:${Aws.ACCOUNT_ID}:trail/*` },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribeKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
      }),
    );
  }
}
