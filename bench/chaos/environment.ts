import { createReadStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Client, Connection } from '@temporalio/client';
import { createS3Client, createSqsClient } from '../../src/aws/clients';
import { AesGcmPayloadCodec, codecDataConverter, createKeyring, generatePayloadKey, parsePayloadKeys } from '../../src/codec';
import { FsObjectStore } from '../../src/storage/fs-object-store';
import type { ObjectStore } from '../../src/storage/object-store';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import { repoRoot } from '../../src/util/repo-root';
import { startMoto, type MotoServer } from '../../test/helpers/moto';
import { runToCompletion } from './child';
import { writeCorpus, writeTrainingSet, type ChaosCorpus } from './corpus';
import { ChaosDevServer } from './dev-server';
import { WorkerProcess } from './worker-process';

export const CLI_ENTRY = path.join(repoRoot(), 'dist', 'src', 'client', 'cli.js');
const BUNDLE_ENTRY = path.join(repoRoot(), 'dist', 'src', 'workers', 'workflow-bundle.js');
export const MODEL_NAME = 'chaos';
const REGION = 'us-east-1';

export interface ChaosSettings {
  docs: number;
  /** Seeds the moments faults are injected at. */
  seed: number;
  dir: string;
  /** How many batches the concurrency scenario starts at once. */
  concurrentBatches: number;
  log: (line: string) => void;
}

/** The S3 side of a run: moto, the store bucket, and a landing bucket whose uploads notify SQS. */
export interface S3Fixture {
  moto: MotoServer;
  s3: S3Client;
  sqs: SQSClient;
  /** Store of the fault scenarios: STORE=s3, S3_BUCKET=storeBucket, S3_PREFIX=prefix. */
  storeBucket: string;
  /** Store of the S3-event scenario: every ObjectCreated goes to eventsQueueUrl. */
  landingBucket: string;
  prefix: string;
  eventsQueueUrl: string;
  store(bucket: string): ObjectStore;
}

/**
 * What every scenario shares: the generated corpus, a Temporal dev server with a SQLite file, the
 * payload keys every process gets (as production's workers do), the filesystem store holding the
 * corpus and the model trained through `nlp-batch train` (continuousTraining), and moto when an S3
 * scenario runs. Each scenario brings its own task queue, worker processes and data folder.
 */
export class ChaosEnvironment {
  readonly runId = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', 't');
  readonly payloadKeys: string;
  readonly storeRoot: string;
  readonly shardSize: number;
  private s3Fixture: Promise<S3Fixture> | undefined;
  private readonly clients: Client[] = [];
  corpus!: ChaosCorpus;
  server!: ChaosDevServer;
  client!: Client;
  modelVersion = '';

  constructor(readonly settings: ChaosSettings) {
    const key = generatePayloadKey('chaos');
    this.payloadKeys = `${key.id}:${key.material.toString('base64')}`;
    this.storeRoot = path.join(settings.dir, 'store');
    // About 40 shards per batch, within 100..5000 rows each (5000 is the default).
    this.shardSize = Math.min(5000, Math.max(100, Math.ceil(settings.docs / 40)));
  }

  get workflowBundle(): string {
    return path.join(this.settings.dir, 'workflow-bundle.js');
  }

  get docs(): number {
    return this.settings.docs;
  }

  log(line: string): void {
    this.settings.log(line);
  }

  async setUp(): Promise<void> {
    const { dir, docs, concurrentBatches } = this.settings;
    this.log(`generating ${docs.toLocaleString('en-US')} documents in ${dir}`);
    this.corpus = await writeCorpus(path.join(dir, 'corpus'), docs, [concurrentBatches, 6]);
    const fsStore = new FsObjectStore(this.storeRoot);
    await fsStore.putStream(this.corpusKey, createReadStream(this.corpus.file));
    // Workers start from a bundle made once, as the image's workers do (WORKFLOW_BUNDLE): a restarted
    // worker polls again within seconds instead of bundling the workflow code anew.
    this.log('bundling the workflow code (npm run build:bundle)');
    const bundled = await runToCompletion(process.execPath, [BUNDLE_ENTRY, this.workflowBundle], process.env, 5 * 60_000);
    if (bundled.code !== 0) throw new Error(`workflow bundle failed (${bundled.code}): ${bundled.stderr.slice(-2000)}`);
    this.log('starting the Temporal dev server');
    this.server = await ChaosDevServer.start(path.join(dir, 'temporal'));
    this.client = await this.connect(this.server.address);
    await this.trainModel();
  }

  readonly corpusKey = 'raw/chaos/corpus.jsonl';

  /** The environment of a worker or CLI process: only what production gives it, nothing of the caller's. */
  appEnv(values: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    const owned =
      /^(TEMPORAL_|AWS_|S3_|STORE|DATA_DIR$|PAYLOAD_|CODEC_|ETL$|BATCH|NOTIFY$|METRICS$|MODEL_NAME$|SHARD_|MAX_RECORD|RETRAIN|DRIFT|LOG_LEVEL$|REDACT|SNS_|CLOUDWATCH_|GLUE_|DEBUG$|WORKER_|WORKFLOW_|INFRA_RETRY|SQS_|OTEL_)/;
    for (const [name, value] of Object.entries(process.env)) if (!owned.test(name)) env[name] = value;
    return {
      ...env,
      TEMPORAL_ADDRESS: this.server.address,
      TEMPORAL_NAMESPACE: 'default',
      // Never start an embedded server or worker: the scenario decides what runs.
      TEMPORAL_EMBEDDED: 'false',
      PAYLOAD_KEYS: this.payloadKeys,
      MODEL_NAME: MODEL_NAME,
      SHARD_SIZE: String(this.shardSize),
      // A retraining or drift run started by a batch would change the model under later scenarios.
      RETRAIN_AFTER_LABELLED_ROWS: '0',
      DRIFT_CHECK_EVERY_BATCHES: '0',
      LOG_LEVEL: 'info',
      WORKFLOW_BUNDLE: this.workflowBundle,
      ...values,
    };
  }

  /** A worker or CLI on the filesystem store. */
  fsEnv(taskQueue: string, dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return this.appEnv({ TEMPORAL_TASK_QUEUE: taskQueue, DATA_DIR: dataDir, STORE: 'fs', STORE_ROOT: this.storeRoot, ...extra });
  }

  /** A worker or CLI on S3 (moto, or the fault proxy in front of it). */
  s3Env(fixture: S3Fixture, bucket: string, taskQueue: string, dataDir: string, endpoint: string): NodeJS.ProcessEnv {
    return this.appEnv({
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATA_DIR: dataDir,
      STORE: 's3',
      S3_BUCKET: bucket,
      S3_PREFIX: fixture.prefix,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
  }

  worker(name: string, env: NodeJS.ProcessEnv, dataDir: string): WorkerProcess {
    mkdirSync(dataDir, { recursive: true });
    return new WorkerProcess(name, env, path.join(dataDir, 'logs', `${name}.log`));
  }

  /** `nlp-batch <args>` as a user runs it. */
  cli(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return runToCompletion(process.execPath, [CLI_ENTRY, ...args], env, timeoutMs);
  }

  /** A client with the run's payload keys (workflow results, queries and signals are encrypted). */
  async connect(address: string): Promise<Client> {
    const codec = new AesGcmPayloadCodec(createKeyring(parsePayloadKeys(this.payloadKeys)));
    const connection = await Connection.connect({ address, connectTimeout: '5s' });
    const client = new Client({ connection, namespace: 'default', dataConverter: codecDataConverter(codec) });
    this.clients.push(client);
    return client;
  }

  /**
   * The model every scenario scores with, trained once through the real path: `nlp-batch train`
   * (continuousTraining on a worker process) on labelled documents from another seed.
   */
  private async trainModel(): Promise<void> {
    const dataDir = path.join(this.settings.dir, 'setup');
    const trainingFile = path.join(dataDir, 'training.jsonl');
    const trainingDocs = Math.min(20_000, Math.max(2_000, this.docs));
    await writeTrainingSet(trainingFile, trainingDocs);
    const env = this.fsEnv('chaos-setup', dataDir);
    const worker = this.worker('setup-worker', env, dataDir);
    this.log(`training model "${MODEL_NAME}" on ${trainingDocs.toLocaleString('en-US')} documents (nlp-batch train)`);
    await worker.start();
    try {
      const out = await this.cli(['train', '--data', trainingFile, '--model', MODEL_NAME, '--json'], env);
      if (out.code !== 0) throw new Error(`nlp-batch train failed (${out.code}): ${out.stderr.slice(-2000)}`);
      const outcome = JSON.parse(out.stdout.trim().split('\n').pop() as string) as { modelVersion: string; promoted: boolean };
      if (!outcome.promoted) throw new Error(`the first model version was not promoted: ${out.stdout}`);
      this.modelVersion = outcome.modelVersion;
    } finally {
      await worker.stop();
    }
  }

  /** moto with the two buckets, the events queue, the model and the corpus (started once). */
  s3(): Promise<S3Fixture> {
    this.s3Fixture ??= this.startS3();
    return this.s3Fixture;
  }

  private async startS3(): Promise<S3Fixture> {
    this.log('starting moto (S3, SQS)');
    const moto = await startMoto();
    const s3 = createS3Client(moto.settings);
    const sqs = createSqsClient(moto.settings);
    const fixture: S3Fixture = {
      moto,
      s3,
      sqs,
      storeBucket: 'chaos-store',
      landingBucket: 'chaos-landing',
      prefix: 'nlp',
      eventsQueueUrl: '',
      store: (bucket) => new S3ObjectStore({ client: s3, bucket, prefix: fixture.prefix }),
    };
    for (const bucket of [fixture.storeBucket, fixture.landingBucket]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    fixture.eventsQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'chaos-landing-events' }))).QueueUrl ?? '';
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: fixture.eventsQueueUrl, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn;
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: fixture.landingBucket,
        NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    // The same model version, byte for byte, in both buckets; the corpus in the store bucket.
    const fsStore = new FsObjectStore(this.storeRoot);
    for await (const object of fsStore.list(`models/${MODEL_NAME}/`)) {
      const body = await fsStore.get(object.key);
      for (const bucket of [fixture.storeBucket, fixture.landingBucket]) await fixture.store(bucket).put(object.key, body);
    }
    await fixture.store(fixture.storeBucket).putStream(this.corpusKey, createReadStream(this.corpus.file));
    return fixture;
  }

  async close(): Promise<void> {
    for (const client of this.clients) await client.connection.close().catch(() => undefined);
    if (this.s3Fixture) {
      const fixture = await this.s3Fixture.catch(() => undefined);
      fixture?.s3.destroy();
      fixture?.sqs.destroy();
      await fixture?.moto.stop();
    }
    await this.server?.stop();
  }
}
