import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as config from 'aws-cdk-lib/aws-config';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AuditProps {
  key: kms.IKey;
  accessLogs: s3.IBucket;
  /** Buckets whose object writes are recorded as CloudTrail data events. */
  dataBuckets: s3.IBucket[];
  cloudTrail: boolean;
  guardDuty: boolean;
  awsConfig: boolean;
}

function privateBucket(
  scope: Construct,
  id: string,
  accessLogs: s3.IBucket,
  logPrefix: string,
  expireDays: number,
  encryption: Partial<s3.BucketProps>,
): s3.Bucket {
  return new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: logPrefix,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{ id: 'expire', expiration: Duration.days(expireDays), noncurrentVersionExpiration: Duration.days(30) }],
    ...encryption,
  });
}

/**
 * CloudTrail (management events in every region, plus write data events on the pipeline's
 * buckets), and, by context flag, GuardDuty and AWS Config. GuardDuty and Config allow one
 * detector / recorder per account and region: enable them here only where none exists yet.
 */
export class Audit extends Construct {
  readonly trail?: cloudtrail.Trail;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    if (props.cloudTrail) {
      const bucket = privateBucket(this, 'TrailBucket', props.accessLogs, 'trail/', 365, {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: props.key,
        bucketKeyEnabled: true,
      });
      this.trail = new cloudtrail.Trail(this, 'Trail', {
        bucket,
        encryptionKey: props.key,
        enableFileValidation: true,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        managementEvents: cloudtrail.ReadWriteType.ALL,
      });
      this.trail.addS3EventSelector(
        props.dataBuckets.map((b) => ({ bucket: b })),
        { readWriteType: cloudtrail.ReadWriteType.WRITE_ONLY, includeManagementEvents: false },
      );
    }

    if (props.guardDuty) {
      new guardduty.CfnDetector(this, 'GuardDuty', {
        enable: true,
        findingPublishingFrequency: 'FIFTEEN_MINUTES',
        features: [
          { name: 'S3_DATA_EVENTS', status: 'ENABLED' },
          { name: 'LAMBDA_NETWORK_LOGS', status: 'ENABLED' },
          { name: 'RUNTIME_MONITORING', status: 'DISABLED' },
        ],
      });
    }

    if (props.awsConfig) {
      const bucket = privateBucket(this, 'ConfigBucket', props.accessLogs, 'config/', 365, { encryption: s3.BucketEncryption.S3_MANAGED });
      const role = new iam.Role(this, 'ConfigRole', {
        assumedBy: new iam.ServicePrincipal('config.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
      });
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('config.amazonaws.com')],
          actions: ['s3:GetBucketAcl', 's3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringEquals: { 'AWS:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('config.amazonaws.com')],
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects(`AWSLogs/${Aws.ACCOUNT_ID}/Config/*`)],
          conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'AWS:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
      const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
        roleArn: role.roleArn,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: false },
      });
      const channel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
        s3BucketName: bucket.bucketName,
        configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
      });
      channel.node.addDependency(recorder);
    }
  }
}
