import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { chromium, type BrowserContext } from 'playwright-core';
import { startIngest } from '../../src/client/ingest';
import { CODEC_COOKIE, startCodecServer, type RunningCodecServer } from '../../src/codec/codec-server';
import { loadSettings } from '../../src/config/settings';
import { allSearchAttributes } from '../../src/contracts/search-attributes';
import { startDevServer, type RunningDevServer } from '../../src/temporal/dev-server';
import { repoRoot, venvBin } from '../../src/util/repo-root';
import { buildDependencies, type PipelineDependencies } from '../../src/workers/dependencies';
import { createPipelineWorker, type PipelineWorker } from '../../src/workers/pipeline-worker';
import { testCodec, testCodecEnv, testDataConverter } from '../helpers/codec';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { workflowBundle } from '../helpers/temporal-env';
import { freePort } from '../../src/util/free-port';

// CHROMIUM_PATH: another Chromium or Chrome binary (scripts/bootstrap.sh checks the same variable).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SOURCE_KEY = 'raw/canary-zq81/ui-check.csv';
const TOKEN = 'ui-test-codec-token-zq81';

/** What the page functions use of the browser (the project compiles without the DOM library). */
interface BrowserGlobals {
  location: { origin: string };
  localStorage: { setItem(key: string, value: string): void };
  document: { body: { innerText: string } };
}

/**
 * A real browser on the real Temporal UI: a dev server of its own with the Web UI on a free port
 * and `--ui-codec-endpoint` pointing at our codec server, an ingestBatch run with encrypted
 * payloads, and Debian's Chromium (driven by playwright-core) showing that run.
 *
 * How the browser gets the token: the UI sends a bearer token only from its own OIDC login and
 * only to https endpoints, but with "Include cross-origin credentials" it sends cookies. So the
 * browser signs in once at the codec server's /login (HttpOnly, SameSite=Strict cookie; the UI and
 * the codec server share the host name `localhost`, so the cookie goes along), and the UI's Codec
 * Server settings — what a person ticks in its dialog, stored in the UI's localStorage — are
 * "use my browser setting", the endpoint, and include credentials.
 */
describe('the Temporal UI shows payloads decrypted by the codec server (Chromium)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nlp-ui-'));
  let server: RunningDevServer | undefined;
  let codecServer: RunningCodecServer | undefined;
  let connection: Connection | undefined;
  let nativeConnection: NativeConnection | undefined;
  let worker: PipelineWorker | undefined;
  let running: Promise<void> | undefined;
  let deps: PipelineDependencies | undefined;
  let context: BrowserContext | undefined;

  after(async () => {
    await context?.close().catch(() => undefined);
    worker?.shutdown();
    await running?.catch(() => undefined);
    await deps?.shardPool?.close();
    await nativeConnection?.close();
    await connection?.close();
    await server?.stop();
    await codecServer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the ingestBatch run, shows its decoded input to a signed-in browser, and only ciphertext without the token', async () => {
    const [grpcPort, uiPort] = [await freePort(), await freePort()];
    const uiOrigin = `http://localhost:${uiPort}`;
    codecServer = await startCodecServer({ codec: testCodec, token: TOKEN, corsOrigins: [uiOrigin], port: 0 });
    const codecEndpoint = `http://localhost:${codecServer.port}`;
    const address = `127.0.0.1:${grpcPort}`;
    server = await startDevServer({
      binary: venvBin('temporal'),
      address,
      namespace: 'default',
      uiPort,
      dbFile: path.join(dir, 'temporal.db'),
      logFile: path.join(dir, 'temporal.log'),
      searchAttributes: allSearchAttributes,
      codecEndpoint,
    });

    // A worker and a client with the test payload keys, and one batch.
    const settings = loadSettings({
      ...testCodecEnv,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: 'ui-test',
      DATA_DIR: dir,
      DRIFT_CHECK_EVERY_BATCHES: '0',
    });
    deps = buildDependencies(settings);
    await seedModel(deps.registry, 'ui');
    connection = await Connection.connect({ address });
    const client = new Client({ connection, dataConverter: testDataConverter });
    nativeConnection = await NativeConnection.connect({ address });
    worker = await createPipelineWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue: 'ui-test',
      deps: { ...deps, client },
      dataConverter: testDataConverter,
      workflowBundle: await workflowBundle(),
    });
    running = worker.run();
    await deps.store.put(SOURCE_KEY, messagesToCsv(sampleMessages(20, 4000)));
    const batchId = `ui-${Date.now().toString(36)}`;
    const handle = await startIngest(client, settings, { batchId, modelName: 'ui', sources: [{ key: SOURCE_KEY }] });
    await handle.result();
    const runId = (await handle.describe()).runId;
    const history = await handle.fetchHistory();
    const ciphertext = Buffer.from(history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data ?? []).toString(
      'base64',
    );
    assert.ok(ciphertext.length > 100);

    context = await chromium.launchPersistentContext(mkdtempSync(path.join(dir, 'chromium-profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1440, height: 1100 },
    });
    // The UI's Codec Server settings, as its dialog stores them (src/lib/stores/data-encoder-config.ts in temporalio/ui).
    await context.addInitScript(
      ({ origin, endpoint }) => {
        const w = globalThis as unknown as BrowserGlobals;
        if (w.location.origin !== origin) return;
        w.localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
        w.localStorage.setItem('endpoint', JSON.stringify(endpoint));
        w.localStorage.setItem('includeCredentials', 'true');
      },
      { origin: uiOrigin, endpoint: codecEndpoint },
    );
    const page = await context.newPage();

    // Sign in at the codec server, as a person would.
    await page.goto(`${codecEndpoint}/login`);
    await page.fill('input[name="token"]', TOKEN);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
    assert.match(await page.innerText('body'), /Signed in/);
    const cookies = await context.cookies(codecEndpoint);
    assert.ok(cookies.some((c) => c.name === CODEC_COOKIE && c.httpOnly && c.sameSite === 'Strict'));

    // Find the run in the UI's workflow list by its search attributes, and open it: its input is
    // decoded in the browser through the codec server.
    const decodedBefore = codecServer.stats.decoded;
    const query = `WorkflowType = "ingestBatch" AND BatchId = "${batchId}" AND ModelVersion = "v1"`;
    const link = page.locator(`a[href$="/workflows/${handle.workflowId}/${runId}"], a[href*="/workflows/${handle.workflowId}/"]`).first();
    for (let attempt = 0; ; attempt++) {
      await page.goto(`${uiOrigin}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
      if (
        await link.waitFor({ timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      if (attempt >= 5) assert.fail(`the UI's list never showed ${handle.workflowId} for ${query}`);
    }
    await link.click();
    await page.waitForFunction((key) => (globalThis as unknown as BrowserGlobals).document.body.innerText.includes(key), SOURCE_KEY, {
      timeout: 45_000,
    });
    const artifacts = path.join(repoRoot(), 'test', 'artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'temporal-ui-decoded-input.png'), fullPage: true });
    const html = await page.content();
    assert.ok(codecServer.stats.decoded > decodedBefore, 'the UI called the codec server');
    assert.ok(html.includes(handle.workflowId));
    assert.ok(!html.includes(ciphertext.slice(0, 40)), 'the page shows the ciphertext');
    assert.ok(!html.includes('binary/encrypted'), 'the page shows an encrypted payload');

    // Without the cookie the codec server refuses, and the decoded input is gone.
    await context.clearCookies();
    const refusedBefore = codecServer.stats.unauthorized;
    await page.reload();
    await page.waitForFunction((id) => (globalThis as unknown as BrowserGlobals).document.body.innerText.includes(id), handle.workflowId, {
      timeout: 30_000,
    });
    for (let i = 0; codecServer.stats.unauthorized === refusedBefore && i < 100; i++) await page.waitForTimeout(100);
    assert.ok(codecServer.stats.unauthorized > refusedBefore, 'the UI asked without the token and was refused');
    await page.waitForTimeout(500);
    assert.ok(!(await page.innerText('body')).includes(SOURCE_KEY), 'decoded without the token');
  });
});
