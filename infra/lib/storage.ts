import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RetentionDays } from './config';

/**
 * The folders of the pipeline's object store (README "Data never travels through workflow
 * history"). The application addresses ONE bucket (S3_BUCKET: the S3 object store, the Glue job's
 * --store_uri and the S3-event handler all take a single bucket), so raw, processed and results
 * data are prefixes of the store bucket, each with its own retention rule.
 */
export const STORE_PREFIXES = {
  raw: 'raw/',
  staged: 'staged/',
  processed: 'processed/',
  quarantine: 'quarantine/',
  /** The data lake: Parquet result parts only (one schema for the Glue table). */
  results: 'results/',
  /** Per batch: JSON Lines result parts, manifest, statistics, reports. */
  batches: 'batches/',
  jobs: 'jobs/',
  models: 'models/',
} as const;

export interface StorageProps {
  key: kms.IKey;
  retention: RetentionDays;
  /** Object Lock (governance mode) retention of every replicated model artifact. */
  modelLockDays: number;
}

/**
 * - `store`: the pipeline's S3 object store (SSE-KMS with the customer key, versioned, private,
 *   TLS only, per-prefix lifecycle). raw/ uploads trigger ingestion.
 * - `modelArchive`: write-once copies of every model artifact: S3 replication copies models/ here,
 *   where Object Lock keeps each version for `modelLockDays`. The registry keeps working on the
 *   store (it moves the `latest.json` pointer in place); the archive is the audit trail of exactly
 *   which bytes scored each batch.
 * - `accessLogs`: server access logs of both (SSE-S3: S3 log delivery cannot write SSE-KMS).
 */
export class Storage extends Construct {
  readonly store: s3.Bucket;
  readonly modelArchive: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const r = props.retention;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });

    const expire = (id: string, prefix: string, days: number): s3.LifecycleRule => ({
      id,
      prefix,
      expiration: Duration.days(days),
      noncurrentVersionExpiration: Duration.days(r.noncurrent),
    });

    this.store = new s3.Bucket(this, 'Store', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'store/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        expire('raw', STORE_PREFIXES.raw, r.raw),
        expire('staged', STORE_PREFIXES.staged, r.staged),
        expire('processed', STORE_PREFIXES.processed, r.processed),
        expire('quarantine', STORE_PREFIXES.quarantine, r.quarantine),
        {
          ...expire('results', STORE_PREFIXES.results, r.results),
          // Results are read when a batch finishes and rarely after a month.
          transitions: r.results > 60 ? [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }] : [],
        },
        // A batch's own folder (JSON Lines parts, manifest, reports) lives as long as its Parquet.
        expire('batches', STORE_PREFIXES.batches, r.results),
        expire('jobs', STORE_PREFIXES.jobs, r.jobs),
        // models/ never expires: the registry's versions and latest.json are the product.
        { id: 'models-noncurrent', prefix: STORE_PREFIXES.models, noncurrentVersionExpiration: Duration.days(r.noncurrent) },
        {
          id: 'everything-else-noncurrent',
          noncurrentVersionExpiration: Duration.days(r.noncurrent),
          abortIncompleteMultipartUploadAfter: Duration.days(2),
        },
      ],
    });

    this.modelArchive = new s3.Bucket(this, 'ModelArchive', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(props.modelLockDays)),
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'model-archive/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(2) }],
    });

    this.replicateModels(props.key);
  }

  /** models/ -> the archive, with a role that can do exactly that and nothing else. */
  private replicateModels(key: kms.IKey): void {
    const role = new iam.Role(this, 'ModelReplicationRole', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: 'S3 replication of the store models/ prefix into the Object Lock archive',
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'], resources: [this.store.bucketArn] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          's3:GetObjectVersionForReplication',
          's3:GetObjectVersionAcl',
          's3:GetObjectVersionTagging',
          's3:GetObjectRetention',
          's3:GetObjectLegalHold',
        ],
        resources: [this.store.arnForObjects(`${STORE_PREFIXES.models}*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ReplicateObject', 's3:ReplicateTags'],
        resources: [this.modelArchive.arnForObjects(`${STORE_PREFIXES.models}*`)],
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'], resources: [key.keyArn] }));

    const cfn = this.store.node.defaultChild as s3.CfnBucket;
    cfn.replicationConfiguration = {
      role: role.roleArn,
      rules: [
        {
          id: 'models-to-archive',
          status: 'Enabled',
          priority: 1,
          filter: { prefix: STORE_PREFIXES.models },
          // Deletes are not replicated: the archive keeps every version ever promoted.
          deleteMarkerReplication: { status: 'Disabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: { bucket: this.modelArchive.bucketArn, encryptionConfiguration: { replicaKmsKeyId: key.keyArn } },
        },
      ],
    };
  }
}
