import { Aws, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { DeploymentConfig } from './config';
import { paths } from './paths';
import { STORE_PREFIXES } from './storage';

/** CLOUDWATCH_NAMESPACE of the worker's metrics sink (and the alarms' Metrics Insights queries). */
export const METRICS_NAMESPACE = 'NlpBatch';
/** src/jobs/task-errors.ts EXIT_PERMANENT: bad input, another attempt cannot help. */
export const EXIT_PERMANENT = 2;

/**
 * The image built from docker/Dockerfile (one image, three roles: `worker`, `score`, `etl`). CDK
 * only stages the build context (the .dockerignore allow-list) and records the asset at synth;
 * `cdk deploy` builds and pushes it, so synth needs no Docker engine.
 */
export function pipelineImage(scope: Construct): ecrAssets.DockerImageAsset {
  return new ecrAssets.DockerImageAsset(scope, 'PipelineImage', {
    directory: paths.root(),
    file: paths.dockerfile,
    platform: ecrAssets.Platform.LINUX_AMD64,
    displayName: 'nlp-batch pipeline image',
    // The repository's .dockerignore is an allow-list that leaves docker/Dockerfile out of the build
    // context; CDK re-includes only a top-level Dockerfile, but it stages the context and points
    // `docker build --file` into it, so the nested Dockerfile has to be staged explicitly.
    exclude: [`!${paths.dockerfile}`],
  });
}

function storeEnvironment(store: s3.IBucket, key: kms.IKey): Record<string, string> {
  return { STORE: 's3', S3_BUCKET: store.bucketName, S3_PREFIX: '', S3_SSE_KMS_KEY_ID: key.keyArn, AWS_REGION: Stack.of(store).region };
}

export interface BatchScoringProps {
  config: DeploymentConfig;
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  image: ecrAssets.DockerImageAsset;
  store: s3.Bucket;
  key: kms.IKey;
  logRetention: logs.RetentionDays;
}

/**
 * Scoring on AWS Batch (Fargate): the AwsBatchRunner submits one array job per batch (child i
 * scores processed shard i; SPEC_KEY names the claim-checked spec). The job definition carries
 * the defaults (3 attempts, never retrying exit code 2, one hour per attempt); SubmitJob may
 * override them per job.
 */
export class BatchScoring extends Construct {
  readonly jobQueue: batch.JobQueue;
  readonly jobDefinition: batch.EcsJobDefinition;
  readonly jobRole: iam.Role;
  readonly jobDefinitionName: string;

  constructor(scope: Construct, id: string, props: BatchScoringProps) {
    super(scope, id);
    const store = props.store;
    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Batch scoring task: reads jobs/, processed/ and models/, writes batches/ (JSON Lines result parts)',
    });
    this.jobRole.addToPolicy(new iam.PolicyStatement({ sid: 'ListStore', actions: ['s3:ListBucket'], resources: [store.bucketArn] }));
    this.jobRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSpecsShardsAndModels',
        actions: ['s3:GetObject'],
        resources: [STORE_PREFIXES.jobs, STORE_PREFIXES.processed, STORE_PREFIXES.models].map((p) => store.arnForObjects(`${p}*`)),
      }),
    );
    this.jobRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteResults',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [store.arnForObjects(`${STORE_PREFIXES.batches}*`)],
      }),
    );
    this.jobRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'DataKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.key.keyArn] }),
    );

    const securityGroup = new ec2.SecurityGroup(this, 'Sg', {
      vpc: props.vpc,
      description: 'Batch scoring tasks: HTTPS out only',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'S3, ECR and CloudWatch Logs endpoints');

    const compute = new batch.FargateComputeEnvironment(this, 'Compute', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      spot: props.config.batchSpot,
      maxvCpus: props.config.batchMaxVcpus,
      replaceComputeEnvironment: false,
    });
    this.jobQueue = new batch.JobQueue(this, 'Queue', { computeEnvironments: [{ computeEnvironment: compute, order: 1 }], priority: 1 });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.key,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.jobDefinitionName = `${Aws.STACK_NAME}-score`;
    this.jobDefinition = new batch.EcsJobDefinition(this, 'ScoreJob', {
      jobDefinitionName: this.jobDefinitionName,
      container: new batch.EcsFargateContainerDefinition(this, 'ScoreContainer', {
        image: ecs.ContainerImage.fromDockerImageAsset(props.image),
        command: ['score'],
        cpu: 1,
        memory: Size.mebibytes(4096),
        jobRole: this.jobRole,
        assignPublicIp: false,
        fargatePlatformVersion: ecs.FargatePlatformVersion.LATEST,
        logging: ecs.LogDriver.awsLogs({ streamPrefix: 'score', logGroup }),
        environment: { ...storeEnvironment(store, props.key), DATA_DIR: '/data', LOG_LEVEL: 'info' },
      }),
      retryAttempts: 3,
      retryStrategies: [
        batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onExitCode: String(EXIT_PERMANENT) })),
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onStatusReason: '*' })),
      ],
      timeout: Duration.hours(1),
      propagateTags: true,
    });
  }
}

export interface WorkerServiceProps {
  config: DeploymentConfig;
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  image: ecrAssets.DockerImageAsset;
  store: s3.Bucket;
  key: kms.IKey;
  logRetention: logs.RetentionDays;
  temporalApiKey: secretsmanager.ISecret;
  payloadKeys: secretsmanager.ISecret;
  topic: sns.ITopic;
  messagingKey: kms.IKey;
  glueJobName: string;
  glueJobArn: string;
  batch: BatchScoring;
}

/**
 * The Temporal worker on ECS Fargate (the image's default `worker` command): it polls the task
 * queue on your Temporal server, runs every activity, starts Glue runs and Batch array jobs, writes
 * the store, publishes to SNS and puts metrics. Address, namespace and task queue come from CDK
 * context; the API key and payload keys from Secrets Manager (injected by ECS, never in the
 * template).
 */
export class WorkerService extends Construct {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly taskRole: iam.Role;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    const { config, store } = props;
    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });

    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Temporal worker: the pipeline store, Glue and Batch jobs, SNS alerts, metrics',
    });
    const role = this.taskRole;
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ListStore', actions: ['s3:ListBucket'], resources: [store.bucketArn] }));
    // The worker orchestrates every stage: it owns all store prefixes (raw/ is read-only to it).
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadUploads',
        actions: ['s3:GetObject'],
        resources: [store.arnForObjects(`${STORE_PREFIXES.raw}*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PipelineObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [store.arnForObjects('*')],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'DataKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.key.keyArn] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'GlueRuns',
        actions: ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'],
        resources: [props.glueJobArn],
      }),
    );
    const jobDefinitionArn = props.batch.jobDefinition.jobDefinitionArn;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'BatchSubmit',
        actions: ['batch:SubmitJob'],
        // Any revision of this one job definition (SubmitJob accepts the name, name:revision or the ARN).
        resources: [
          props.batch.jobQueue.jobQueueArn,
          `arn:${Aws.PARTITION}:batch:${Aws.REGION}:${Aws.ACCOUNT_ID}:job-definition/${props.batch.jobDefinitionName}`,
          `arn:${Aws.PARTITION}:batch:${Aws.REGION}:${Aws.ACCOUNT_ID}:job-definition/${props.batch.jobDefinitionName}:*`,
        ],
      }),
    );
    const batchJobs = `arn:${Aws.PARTITION}:batch:${Aws.REGION}:${Aws.ACCOUNT_ID}:job/*`;
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'BatchJobControl', actions: ['batch:TerminateJob', 'batch:TagResource'], resources: [batchJobs] }),
    );
    // DescribeJobs and ListJobs support no resource-level permissions (AWS service authorization reference).
    role.addToPolicy(new iam.PolicyStatement({ sid: 'BatchRead', actions: ['batch:DescribeJobs', 'batch:ListJobs'], resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'Alerts', actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AlertsKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.messagingKey.keyArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PipelineMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
      }),
    );

    const logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.key,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: config.workerCpu,
      memoryLimitMiB: config.workerMemoryMiB,
      taskRole: role,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    taskDefinition.addContainer('worker', {
      image: ecs.ContainerImage.fromDockerImageAsset(props.image),
      command: ['worker'],
      logging: ecs.LogDriver.awsLogs({ streamPrefix: 'worker', logGroup }),
      environment: {
        ...storeEnvironment(store, props.key),
        TEMPORAL_ADDRESS: config.temporalAddress,
        TEMPORAL_NAMESPACE: config.temporalNamespace,
        TEMPORAL_TASK_QUEUE: config.temporalTaskQueue,
        TEMPORAL_TLS: String(config.temporalTls),
        TEMPORAL_EMBEDDED: 'false',
        DATA_DIR: '/data',
        ETL: 'glue',
        GLUE_JOB_NAME: props.glueJobName,
        BATCH: 'aws',
        BATCH_JOB_QUEUE: props.batch.jobQueue.jobQueueArn,
        BATCH_JOB_DEFINITION: jobDefinitionArn,
        NOTIFY: 'sns',
        SNS_TOPIC_ARN: props.topic.topicArn,
        METRICS: 'cloudwatch',
        CLOUDWATCH_NAMESPACE: METRICS_NAMESPACE,
        MODEL_NAME: config.modelName,
        LOG_LEVEL: 'info',
      },
      secrets: {
        TEMPORAL_API_KEY: ecs.Secret.fromSecretsManager(props.temporalApiKey),
        PAYLOAD_KEYS: ecs.Secret.fromSecretsManager(props.payloadKeys),
      },
      // Let in-flight activities finish (the worker drains on SIGTERM).
      stopTimeout: Duration.seconds(120),
    });

    const securityGroup = new ec2.SecurityGroup(this, 'Sg', {
      vpc: props.vpc,
      description: 'Temporal worker: HTTPS and the Temporal frontend out',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS endpoints and APIs');
    const temporalPort = Number(config.temporalAddress.slice(config.temporalAddress.lastIndexOf(':') + 1));
    if (temporalPort !== 443) securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(temporalPort), 'Temporal frontend');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      desiredCount: config.workerCount,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      enableExecuteCommand: false,
    });
  }
}
