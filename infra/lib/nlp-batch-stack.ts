import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AlertTopic, PipelineAlarms } from './alerting';
import { Audit } from './audit';
import { BatchScoring, pipelineImage, WorkerService } from './compute';
import type { DeploymentConfig } from './config';
import { CustomerKey } from './customer-key';
import { GlueEtl } from './glue-etl';
import { IngestEvents } from './ingest-events';
import { Network } from './network';
import { ResultsCatalog } from './results-catalog';
import { Storage } from './storage';

export interface NlpBatchStackProps extends StackProps {
  config: DeploymentConfig;
}

/**
 * Everything nlp-batch needs on AWS, in one environment-agnostic stack (no lookups: it synthesises
 * without credentials). The Temporal server itself is not here: the worker and the S3-event
 * Lambda connect to the address from context (Temporal Cloud or your own cluster).
 */
export class NlpBatchStack extends Stack {
  readonly config: DeploymentConfig;
  readonly dataKey: CustomerKey;
  readonly messagingKey: CustomerKey;
  readonly storage: Storage;
  readonly network: Network;
  readonly ingest: IngestEvents;
  readonly glue: GlueEtl;
  readonly batch: BatchScoring;
  readonly worker: WorkerService;
  readonly alerts: AlertTopic;
  readonly alarms: PipelineAlarms;
  readonly audit: Audit;
  readonly lake: ResultsCatalog;

  constructor(scope: Construct, id: string, props: NlpBatchStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.dataKey = new CustomerKey(this, 'DataKey', {
      name: 'data',
      description: 'nlp-batch: S3 buckets, secrets, CloudWatch Logs, CloudTrail',
    });
    this.dataKey.allowCloudWatchLogs();
    if (config.cloudTrail) this.dataKey.allowCloudTrail();
    const key = this.dataKey.key;
    this.messagingKey = new CustomerKey(this, 'MessagingKey', {
      name: 'messaging',
      description: 'nlp-batch: SQS queues and the SNS alert topic',
    });
    this.messagingKey.allowMessagingServices();
    const messagingKey = this.messagingKey.key;

    this.storage = new Storage(this, 'Storage', { key, retention: config.retentionDays, modelLockDays: config.modelLockDays });
    this.network = new Network(this, 'Network', {
      natGateways: config.natGateways,
      interfaceEndpoints: config.interfaceEndpoints,
      key,
      logRetention,
    });
    const subnets = this.network.privateSubnets;

    const temporalApiKey = new secretsmanager.Secret(this, 'TemporalApiKey', {
      description: 'Temporal API key (Temporal Cloud) of the worker and the S3-event Lambda. Replace the generated value with your key.',
      encryptionKey: key,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const payloadKeys = new secretsmanager.Secret(this, 'PayloadKeys', {
      description:
        'PAYLOAD_KEYS for Temporal payload encryption: id:base64(32 random bytes)[,...]. Replace the generated value (docs/deploy.md).',
      encryptionKey: key,
      generateSecretString: { passwordLength: 44, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.alerts = new AlertTopic(this, 'Alerts', { config, key: messagingKey });
    this.ingest = new IngestEvents(this, 'S3Events', {
      config,
      store: this.storage.store,
      key,
      messagingKey,
      vpc: this.network.vpc,
      subnets,
      temporalApiKey,
      payloadKeys,
      logRetention,
    });
    this.glue = new GlueEtl(this, 'GlueEtl', { config, store: this.storage.store, key, logRetention });
    const image = pipelineImage(this);
    this.batch = new BatchScoring(this, 'BatchScoring', {
      config,
      vpc: this.network.vpc,
      subnets,
      image,
      store: this.storage.store,
      key,
      logRetention,
    });
    this.worker = new WorkerService(this, 'Worker', {
      config,
      vpc: this.network.vpc,
      subnets,
      image,
      store: this.storage.store,
      key,
      logRetention,
      temporalApiKey,
      payloadKeys,
      topic: this.alerts.topic,
      messagingKey,
      glueJobName: this.glue.jobName,
      glueJobArn: this.glue.jobArn,
      batch: this.batch,
    });
    this.worker.service.node.addDependency(this.glue.job);

    this.alarms = new PipelineAlarms(this, 'Alarms', {
      config,
      topic: this.alerts.topic,
      queue: this.ingest.queue,
      deadLetterQueue: this.ingest.deadLetterQueue,
      fn: this.ingest.fn,
      batchJobQueueArn: this.batch.jobQueue.jobQueueArn,
      glueJobName: this.glue.jobName,
      workerClusterName: this.worker.cluster.clusterName,
      workerServiceName: this.worker.service.serviceName,
    });

    this.lake = new ResultsCatalog(this, 'Lake', { store: this.storage.store });

    this.audit = new Audit(this, 'Audit', {
      key,
      accessLogs: this.storage.accessLogs,
      dataBuckets: [this.storage.store, this.storage.modelArchive],
      cloudTrail: config.cloudTrail,
      guardDuty: config.guardDuty,
      awsConfig: config.awsConfig,
    });

    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('StoreBucket', this.storage.store.bucketName, 'S3_BUCKET: upload files under raw/<folder>/ to start batches');
    out('ModelArchiveBucket', this.storage.modelArchive.bucketName, 'Object Lock copies of every models/ object');
    out('DataKeyArn', key.keyArn, 'S3_SSE_KMS_KEY_ID');
    out('AlertTopicArn', this.alerts.topic.topicArn, 'SNS_TOPIC_ARN');
    out('GlueJobName', this.glue.jobName, 'GLUE_JOB_NAME');
    out('BatchJobQueue', this.batch.jobQueue.jobQueueArn, 'BATCH_JOB_QUEUE');
    out('BatchJobDefinition', this.batch.jobDefinition.jobDefinitionArn, 'BATCH_JOB_DEFINITION');
    out('TemporalApiKeySecret', temporalApiKey.secretArn, 'Put your Temporal API key here');
    out('PayloadKeysSecret', payloadKeys.secretArn, 'Put PAYLOAD_KEYS here');
    out('WorkerCluster', this.worker.cluster.clusterName, 'ECS cluster of the worker service');
    out('WorkerService', this.worker.service.serviceName, 'ECS service of the Temporal worker');
    out('DashboardName', this.alarms.dashboard.dashboardName, 'CloudWatch dashboard');
    out(
      'ResultsTable',
      `${this.lake.databaseName}.${this.lake.tableName}`,
      'Glue/Athena table over results/ (Parquet, partitions model/dt/batch)',
    );
  }
}
