import { appendFileSync, createReadStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import { loadSettings } from '../../../src/config/settings';
import { searchAttributes } from '../../../src/contracts/search-attributes';
import { createS3EventSignaller, type ProcessOutcome } from '../../../src/lambda/handler';
import { parseS3Notifications } from '../../../src/lambda/s3-event';
import { pollOnce } from '../../../src/lambda/sqs-poller';
import { awaitBatch, exportBatch, progressOf, strayResultObjects, summarizeStatuses, terminateQuietly, type BatchOutcome } from '../batch';
import { sleep } from '../child';
import { idsOf, type CorpusPart } from '../corpus';
import { MODEL_NAME, type ChaosEnvironment, type S3Fixture } from '../environment';
import { newRow, type Scenario, type ScenarioRow } from '../scenario';
import { account, readExportedResults, type ExportedResults } from '../verify';

/** Files of one folder within this window join one batch; the harness plays the window's end (closeBatch). */
const WINDOW_MS = 60 * 60_000;
const COPIES = 3;
/** A message being processed stays hidden this long; one whose files could not be signalled comes back after it. */
const VISIBILITY_SECONDS = 20;

/**
 * S3 uploads -> bucket notifications -> SQS -> the production poller (pollOnce) and S3-event
 * signaller with the Lambda's own environment. Every notification is delivered three times (SQS
 * and S3 are at-least-once), through warm and cold signallers (a cold start forgets its dedupe).
 * The corpus is six files: four on time, one delivered while the batch finalises, one after the
 * batch completed. Every file must be scored exactly once: a file the window's batch no longer
 * takes (its submitFiles update is refused once intake closed) goes to a follow-up batch.
 */
export const s3Events: Scenario = {
  name: 's3-events',
  summary: `uploads to S3 signalled through SQS, each event delivered ${COPIES} times; one file arrives while the batch finalises, one after it completed`,
  async run(env, estimate) {
    const row = newRow('s3-events', env.docs);
    const fixture = await env.s3();
    const parts = env.corpus.splits['6'];
    const dataDir = path.join(env.settings.dir, 's3-events');
    const taskQueue = 'chaos-s3-events';
    const workerEnv = env.s3Env(fixture, fixture.landingBucket, taskQueue, dataDir, fixture.moto.endpoint);
    const worker = env.worker('worker-1', workerEnv, dataDir);
    const events = new EventDelivery(env, fixture, taskQueue, row);
    const folder = `raw/events-${env.runId}`;
    const keyOf = (part: CorpusPart) => `${folder}/${path.basename(part.file)}`;
    const store = fixture.store(fixture.landingBucket);
    const upload = async (part: CorpusPart) => {
      await store.putStream(keyOf(part), createReadStream(part.file));
      return `${fixture.prefix}/${keyOf(part)}`;
    };
    const started = Date.now();
    const deadline = started + (600 + 10 * estimate) * 1000;
    try {
      await worker.start();
      const onTime = parts.slice(0, 4);
      const bodies = await events.collect(await Promise.all(onTime.map(upload)));
      const first = await events.deliver(bodies);
      const mainBatches = [...new Set(first.flatMap((o) => o.signalled.map((g) => g.workflowId)))];
      row.notes.push(`${onTime.length} on-time files: ${mainBatches.length} batch(es) ${mainBatches.join(', ')}`);

      // A file written now, whose notification reaches the poller only once the batch finalises.
      const lateBodies = await events.collect([await upload(parts[4])]);
      for (const id of mainBatches) await env.client.workflow.getHandle(id).signal('closeBatch');
      const phase = await waitForPhase(env.client, mainBatches[0], ['finalizing', 'completed', 'failed'], deadline);
      await events.deliver(lateBodies);
      const after = await progressOf(env.client, mainBatches[0]);
      row.notes.push(`part-05 delivered while the batch was ${phase ?? 'closed'} (after delivery: ${after?.phase ?? 'closed'})`);

      const mainOutcomes = await Promise.all(mainBatches.map((id) => awaitBatch(env.client, id, deadline)));
      const lastBodies = await events.collect([await upload(parts[5])]);
      await events.deliver(lastBodies);
      row.notes.push(`part-06 delivered after the batch ended ${mainOutcomes.map((o) => o.status).join(', ')}`);

      // Every batch the system started for these files, however the signaller named them.
      const batches = await batchesOn(env.client, taskQueue, events.workflowIds);
      for (const b of batches) if (b.running) await env.client.workflow.getHandle(b.workflowId).signal('closeBatch');
      const outcomes: Array<BatchOutcome & { batchId: string }> = [];
      for (const b of batches) outcomes.push({ ...(await awaitBatch(env.client, b.workflowId, deadline)), batchId: b.batchId });
      row.seconds = (Date.now() - started) / 1000;
      row.status = summarizeStatuses(outcomes.map((o) => o.status));
      for (const o of outcomes) {
        if (o.status === 'STILL_RUNNING') await terminateQuietly(env.client, o.workflowId, 'chaos: scenario deadline');
        if (o.status !== 'COMPLETED') row.problems.push(`${o.workflowId} ended ${o.status} ${o.failureTypes.join(' <- ')}`.trim());
      }
      row.notes.push(`batches: ${outcomes.map((o) => o.batchId).join(', ')}`);
      row.notes.push(events.summary());

      const exportEnv = workerEnv;
      const files: string[] = [];
      const exportsByBatch = new Map<string, ExportedResults>();
      for (const [i, o] of outcomes.entries()) {
        if (o.status !== 'COMPLETED') continue;
        const file = path.join(dataDir, `export-${i + 1}.jsonl`);
        const exported = await exportBatch(env, exportEnv, o.batchId, file);
        if (!exported.results) {
          row.problems.push(`export of ${o.batchId} refused: ${exported.error}`);
          continue;
        }
        files.push(file);
        exportsByBatch.set(o.workflowId, exported.results);
        const strays = await strayResultObjects(store, o.batchId);
        if (strays.length > 0) row.problems.push(`${o.batchId}: ${strays.length} result objects outside the manifest`);
      }
      const results = await readExportedResults(files);
      const all = account(results, idsOf({ first: 0, count: env.docs }));
      row.missing = all.missing;
      row.duplicated = all.duplicated;
      row.sha256 = all.sha256;
      const labels = ['on time', 'on time', 'on time', 'on time', 'delivered while finalising', 'delivered after completion'];
      parts.forEach((part, i) => {
        const own = account(results, idsOf(part));
        const lost = own.missing === part.count ? 'all' : String(own.missing);
        if (own.missing > 0) row.problems.push(`${path.basename(part.file)} (${labels[i]}): ${lost} of ${part.count} rows never scored`);
        const extra = [...idsOf(part)].reduce((n, id) => n + Math.max(0, (results.counts.get(id) ?? 0) - 1), 0);
        if (extra > 0) row.problems.push(`${path.basename(part.file)} (${labels[i]}): ${extra} rows scored more than once`);
      });
      // Where each file was scored: on-time files in the window's batch; the file delivered after
      // that batch completed in a follow-up batch (its update-with-start was refused or the window's
      // batch had finished), never silently in none.
      const scoredIn = parts.map((part) =>
        [...exportsByBatch].filter(([, r]) => [...idsOf(part)].some((id) => r.counts.has(id))).map(([workflowId]) => workflowId),
      );
      parts.forEach((part, i) => {
        const where = scoredIn[i].map((id) => (mainBatches.includes(id) ? `${id} (the window's batch)` : `${id} (a follow-up batch)`));
        row.notes.push(`${path.basename(part.file)} (${labels[i]}) scored in ${where.join(' and ') || 'no batch'}`);
        if (i < 4 && !scoredIn[i].every((id) => mainBatches.includes(id)))
          row.problems.push(`${path.basename(part.file)} (on time) was not scored in the window's batch`);
        if (i === 5 && scoredIn[i].some((id) => mainBatches.includes(id)))
          row.problems.push(`${path.basename(part.file)} was scored in a batch that had already completed`);
      });
      const followUps = events.lateGroups();
      if (followUps.length > 0) row.notes.push(`sent to a follow-up batch by the signaller: ${followUps.join('; ')}`);
      return row;
    } finally {
      if (worker.failedStarts.length > 0)
        row.notes.push(`${worker.name} exited before polling and was started again: ${worker.failedStarts.join('; ')}`);
      await worker.stop();
    }
  },
};

/**
 * Plays S3 notification delivery. `collect` takes the real notifications S3 (moto) sent for the
 * uploaded keys off the queue; `deliver` puts each back COPIES times and lets the production
 * poller hand them to signallers built from the Lambda's environment: the warm one of this
 * "container", and on every third round a fresh one (a cold start, with an empty dedupe).
 */
class EventDelivery {
  private readonly settings;
  private warm;
  private readonly outcomes: ProcessOutcome[] = [];
  private delivered = 0;
  private queued = 0;
  private coldStarts = 0;
  private readonly logFile: string;
  private readonly deleteErrors: string[] = [];

  constructor(
    private readonly env: ChaosEnvironment,
    private readonly fixture: S3Fixture,
    taskQueue: string,
    private readonly row: ScenarioRow,
  ) {
    // What the CDK stack gives the Lambda (infra/lib/ingest-events.ts), with the secrets resolved.
    // Retraining and drift triggers are off: a new model version mid-scenario would change results.
    this.settings = loadSettings({
      STORE: 's3',
      S3_BUCKET: fixture.landingBucket,
      S3_PREFIX: fixture.prefix,
      TEMPORAL_ADDRESS: env.server.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_EMBEDDED: 'false',
      PAYLOAD_KEYS: env.payloadKeys,
      MODEL_NAME,
      DATA_DIR: path.join(env.settings.dir, 's3-events', 'lambda'),
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: fixture.moto.endpoint,
      RETRAIN_AFTER_LABELLED_ROWS: '0',
      DRIFT_CHECK_EVERY_BATCHES: '0',
    });
    this.logFile = path.join(env.settings.dir, 's3-events', 'logs', 'signaller.jsonl');
    mkdirSync(path.dirname(this.logFile), { recursive: true });
    this.warm = this.signaller();
  }

  private signaller() {
    const log = (entry: Record<string, unknown>) =>
      appendFileSync(this.logFile, JSON.stringify({ at: new Date().toISOString(), ...entry }) + '\n');
    return createS3EventSignaller({ client: this.env.client, settings: this.settings, windowMs: WINDOW_MS, log });
  }

  /** Groups the window's batch refused (intake closed or finished) and a follow-up batch took. */
  lateGroups(): string[] {
    const late = this.outcomes.flatMap((o) => o.signalled.filter((g) => g.late && g.accepted.length > 0));
    return late.map((g) => `${g.accepted.map((k) => path.basename(k)).join(', ')} -> ${g.batchId}`);
  }

  get workflowIds(): string[] {
    return [...new Set(this.outcomes.flatMap((o) => o.signalled.map((g) => g.workflowId)))];
  }

  /** The notification bodies S3 sent for `bucketKeys` (removed from the queue). */
  async collect(bucketKeys: string[]): Promise<string[]> {
    const wanted = new Set(bucketKeys);
    const bodies: string[] = [];
    const deadline = Date.now() + 60_000;
    while (wanted.size > 0) {
      if (Date.now() > deadline) throw new Error(`no S3 notification for ${[...wanted].join(', ')} within 60 s`);
      const out = await this.fixture.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.fixture.eventsQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const messages = out.Messages ?? [];
      for (const m of messages) {
        const keys = parseS3Notifications(m.Body ?? '').records.map((r) => r.key);
        if (keys.some((k) => wanted.has(k))) bodies.push(m.Body ?? '');
        for (const k of keys) wanted.delete(k);
      }
      if (messages.length > 0)
        await this.fixture.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.fixture.eventsQueueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
    }
    return bodies;
  }

  /** Each body COPIES times onto the queue, then poller rounds until the queue is empty. */
  async deliver(bodies: string[]): Promise<ProcessOutcome[]> {
    const copies = Array.from({ length: COPIES }, () => bodies).flat();
    this.queued += copies.length;
    for (let i = 0; i < copies.length; i += 10) {
      await this.fixture.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.fixture.eventsQueueUrl,
          Entries: copies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
        }),
      );
    }
    const outcomes: ProcessOutcome[] = [];
    let empty = 0;
    for (let round = 0; empty < 2; round++) {
      const signaller = round % 3 === 1 ? this.coldStart() : this.warm;
      let outcome: ProcessOutcome | undefined;
      const polled = await pollOnce({
        sqs: this.fixture.sqs,
        queueUrl: this.fixture.eventsQueueUrl,
        maxMessages: 2,
        waitTimeSeconds: 1,
        visibilityTimeoutSeconds: VISIBILITY_SECONDS,
        process: async (messages) => (outcome = await signaller.process(messages)),
      });
      empty = polled.received === 0 ? empty + 1 : 0;
      this.delivered += polled.received;
      if (outcome) outcomes.push(outcome);
      this.deleteErrors.push(...polled.deleteErrors);
      if (polled.failed.length > 0) {
        this.row.problems.push(`the poller left ${polled.failed.length} message(s) for redelivery (signal failed)`);
        await sleep(VISIBILITY_SECONDS * 1000);
      }
    }
    this.outcomes.push(...outcomes);
    return outcomes;
  }

  private coldStart() {
    this.coldStarts++;
    return this.signaller();
  }

  summary(): string {
    const signalled = this.outcomes.reduce((n, o) => n + o.signalled.reduce((m, g) => m + g.keys.length, 0), 0);
    const duplicates = this.outcomes.reduce((n, o) => n + o.duplicates, 0);
    // The bucket notifies every write, so the poller also sees the pipeline's own objects (and skips them).
    const own = this.outcomes.reduce((n, o) => n + o.skipped.filter((k) => k.key !== undefined).length, 0);
    return (
      `${this.queued} notifications queued (${COPIES} of each upload's), ${this.delivered} messages received by the poller ` +
      `(${own} of them about the pipeline's own writes, skipped)` +
      (this.deleteErrors.length > 0 ? `, ${this.deleteErrors.length} deletes refused (e.g. ${this.deleteErrors[0]})` : '') +
      `, ${this.coldStarts} cold starts: ${signalled} file signals sent, ${duplicates} dropped as duplicates by a warm signaller`
    );
  }
}

async function waitForPhase(client: Client, workflowId: string, phases: string[], deadline: number): Promise<string | undefined> {
  while (Date.now() < deadline) {
    const p = await progressOf(client, workflowId);
    if (p && phases.includes(p.phase)) return p.phase;
    if (!p) {
      const status = await client.workflow
        .getHandle(workflowId)
        .describe()
        .then((d) => d.status.name)
        .catch(() => 'RUNNING');
      if (status !== 'RUNNING') return undefined;
    }
    await sleep(100);
  }
  return undefined;
}

async function batchesOn(
  client: Client,
  taskQueue: string,
  known: string[],
): Promise<Array<{ workflowId: string; batchId: string; running: boolean }>> {
  const ids = new Set(known);
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND WorkflowType = 'ingestBatch'` }))
    ids.add(wf.workflowId);
  const out: Array<{ workflowId: string; batchId: string; running: boolean }> = [];
  for (const workflowId of [...ids].sort()) {
    const d = await client.workflow.getHandle(workflowId).describe();
    const batchId = d.typedSearchAttributes.get(searchAttributes.batchId) ?? workflowId.replace(/^ingest-/, '');
    out.push({ workflowId, batchId, running: d.status.name === 'RUNNING' });
  }
  return out;
}
