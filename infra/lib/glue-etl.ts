import { AssetStaging, Aws, FileAssetPackaging, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DeploymentConfig } from './config';
import { paths } from './paths';
import { STORE_PREFIXES } from './storage';

export interface GlueEtlProps {
  config: DeploymentConfig;
  store: s3.Bucket;
  key: kms.IKey;
  logRetention: logs.RetentionDays;
}

/** The sibling modules nlp_clean_job.py imports (its docstring: deploy them as --extra-py-files). */
export const GLUE_PY_MODULES = ['glue_args.py', 'glue_store.py', 'nlp_text.py', 'nlp_stem.py', 'nlp_sentiment.py', 'nlp_pii.py'];
export const GLUE_EXTRA_FILES = ['text_rules.json', 'sentiment_data.json'];
export const GLUE_SCRIPT = 'nlp_clean_job.py';

/**
 * The ETL stage on AWS Glue: glue/nlp_clean_job.py with its modules and rules as S3 assets. The
 * GlueRunner starts runs with --spec_key, --store_uri (and --sse_kms_key_id) per batch; the job
 * reads jobs/ and staged/ and writes processed/, nothing else.
 */
export class GlueEtl extends Construct {
  readonly job: glue.CfnJob;
  readonly role: iam.Role;
  readonly jobName: string;
  readonly code: GlueCode;

  constructor(scope: Construct, id: string, props: GlueEtlProps) {
    super(scope, id);
    const code = (this.code = new GlueCode(this, 'Code', paths.glueDir()));

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: 'Glue ETL job nlp_clean_job.py: reads jobs/ and staged/, writes processed/',
    });
    const store = props.store;
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'ListStore', actions: ['s3:ListBucket'], resources: [store.bucketArn] }));
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSpecsAndStagedShards',
        actions: ['s3:GetObject'],
        resources: [store.arnForObjects(`${STORE_PREFIXES.jobs}*`), store.arnForObjects(`${STORE_PREFIXES.staged}*`)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteProcessedShards',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [store.arnForObjects(`${STORE_PREFIXES.processed}*`)],
      }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadJobCode', actions: ['s3:GetObject'], resources: [code.objectsArn] }));
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DataKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'],
        resources: [props.key.keyArn],
      }),
    );
    const glueLogGroups = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws-glue/*`;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'GlueLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
        resources: [glueLogGroups, `${glueLogGroups}:log-stream:*`],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'GlueJobMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'Glue' } },
      }),
    );

    const securityConfiguration = new glue.CfnSecurityConfiguration(this, 'Security', {
      name: `${Aws.STACK_NAME}-glue-etl`,
      encryptionConfiguration: {
        s3Encryptions: [{ s3EncryptionMode: 'SSE-KMS', kmsKeyArn: props.key.keyArn }],
        cloudWatchEncryption: { cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn: props.key.keyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: props.key.keyArn },
      },
    });

    this.jobName = `${Aws.STACK_NAME}-nlp-clean`;
    this.job = new glue.CfnJob(this, 'Job', {
      name: this.jobName,
      description: 'ingestBatch ETL: clean staged shards into processed shards (glue/nlp_clean_job.py)',
      role: this.role.roleArn,
      glueVersion: '5.0',
      command: { name: 'glueetl', pythonVersion: '3', scriptLocation: code.url(GLUE_SCRIPT) },
      workerType: 'G.1X',
      numberOfWorkers: props.config.glueWorkers,
      timeout: 60,
      maxRetries: 0,
      executionProperty: { maxConcurrentRuns: props.config.glueMaxConcurrentRuns },
      securityConfiguration: securityConfiguration.ref,
      defaultArguments: {
        '--job-language': 'python',
        '--extra-py-files': GLUE_PY_MODULES.map((m) => code.url(m)).join(','),
        '--extra-files': GLUE_EXTRA_FILES.map((f) => code.url(f)).join(','),
        '--enable-continuous-cloudwatch-log': 'true',
        '--enable-metrics': 'true',
        '--job-bookmark-option': 'job-bookmark-disable',
        '--sse_kms_key_id': props.key.keyArn,
      },
    });
    // The runner retries through Temporal (a failed run is submitted again), not through Glue.
    this.job.applyRemovalPolicy(RemovalPolicy.DESTROY);
  }

  get jobArn(): string {
    return `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:job/${this.jobName}`;
  }
}

/**
 * The Glue code as file assets under their own names: `glue/<content hash>/<file>` in the CDK
 * assets bucket. A plain `s3_assets.Asset` would upload `<hash>.py`, but Glue keeps the S3 file
 * name: `import glue_args` needs glue_args.py and nlp_text.py looks for text_rules.json by name.
 * The folder hash covers every file, so a change to any of them publishes a new folder.
 */
export class GlueCode extends Construct {
  readonly folder: string;
  private readonly urls = new Map<string, string>();
  private readonly bucketName: string;

  constructor(scope: Construct, id: string, glueDir: string) {
    super(scope, id);
    const files = [GLUE_SCRIPT, ...GLUE_PY_MODULES, ...GLUE_EXTRA_FILES];
    const hash = createHash('sha256');
    for (const file of files)
      hash
        .update(file)
        .update('\0')
        .update(readFileSync(path.join(glueDir, file)))
        .update('\0');
    this.folder = `glue/${hash.digest('hex').slice(0, 20)}`;
    const stack = Stack.of(this);
    let bucketName = '';
    for (const file of files) {
      const staging = new AssetStaging(this, file.replace(/[^A-Za-z0-9]/g, ''), { sourcePath: path.join(glueDir, file) });
      const location = stack.synthesizer.addFileAsset({
        fileName: staging.relativeStagedPath(stack),
        packaging: FileAssetPackaging.FILE,
        // The object key is this + the file's extension.
        sourceHash: `${this.folder}/${path.parse(file).name}`,
        displayName: `Glue ${file}`,
      });
      this.urls.set(file, location.s3ObjectUrl);
      bucketName = location.bucketName;
    }
    this.bucketName = bucketName;
  }

  url(file: string): string {
    const url = this.urls.get(file);
    if (!url) throw new Error(`GlueCode: ${file} is not part of the Glue code`);
    return url;
  }

  /** Every object of this code version, for the job role's s3:GetObject. */
  get objectsArn(): string {
    return `arn:${Aws.PARTITION}:s3:::${this.bucketName}/${this.folder}/*`;
  }
}
