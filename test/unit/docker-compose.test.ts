import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allSearchAttributes } from '../../src/contracts/search-attributes';
import { repoRoot } from '../../src/util/repo-root';

/*
 * No Docker engine runs here, and the Compose specification's JSON schema is not vendored in any
 * installed package, so this checks what the schema would and a few things it would not: the
 * structure Compose needs (image or build, "host:container" port strings, existing depends_on
 * targets with valid conditions, declared volumes), and this project's rules (pinned images,
 * loopback-only ports, no secret values in the file, the worker wired to the emulators).
 * js-yaml comes with mocha (a dev dependency), so the test needs nothing extra.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { load } = require('js-yaml') as { load(text: string): unknown };

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: unknown[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown };
  volumes?: unknown[];
  restart?: string;
  init?: boolean;
}

interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

const root = repoRoot();
const compose = load(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const services = Object.entries(compose.services ?? {});
const dockerfile = readFileSync(path.join(root, 'docker', 'Dockerfile'), 'utf8');

function dependsOn(service: Service): Record<string, string> {
  const deps = service.depends_on ?? [];
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, spec]) => [name, spec?.condition ?? 'service_started']));
}

function env(service: Service): Record<string, string> {
  assert.ok(!Array.isArray(service.environment), 'use the map form of environment (duplicates are then impossible)');
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

describe('docker-compose.yml', () => {
  it('has only top-level keys of the Compose specification (and no obsolete `version`)', () => {
    const allowed = new Set(['name', 'services', 'networks', 'volumes', 'configs', 'secrets', 'include']);
    for (const key of Object.keys(compose)) assert.ok(allowed.has(key) || key.startsWith('x-'), `unexpected top-level key ${key}`);
    assert.match(compose.name ?? '', /^[a-z0-9][a-z0-9_-]*$/);
    assert.ok(services.length > 0);
  });

  it('runs Temporal on PostgreSQL, the Temporal UI, moto and the worker built from docker/Dockerfile', () => {
    const images = services.map(([, s]) => s.image ?? '');
    assert.ok(images.some((i) => i.startsWith('temporalio/auto-setup:')));
    assert.ok(images.some((i) => i.startsWith('postgres:')));
    assert.ok(images.some((i) => i.startsWith('temporalio/ui:')));
    assert.ok(images.some((i) => i.startsWith('motoserver/moto:')));
    const temporal = services.find(([, s]) => s.image?.startsWith('temporalio/auto-setup:'))?.[1];
    assert.equal(env(temporal ?? {}).DB, 'postgres12');
    const worker = compose.services.worker;
    assert.ok(worker?.build && typeof worker.build === 'object');
    assert.equal(worker.build.dockerfile, 'docker/Dockerfile');
    assert.ok(existsSync(path.join(root, worker.build.context ?? '.', worker.build.dockerfile)));
  });

  it('gives every service an image or a build, and pins every pulled image to a version', () => {
    // An image another service builds here (the worker's, which the poller reuses) is not pulled.
    const built = new Set(services.filter(([, s]) => s.build && s.image).map(([, s]) => s.image));
    for (const [name, service] of services) {
      assert.ok(service.image || service.build, `${name}: needs image or build`);
      if (service.build || built.has(service.image)) continue;
      const image = service.image as string;
      const tag = image.includes('@') ? image.split('@')[1] : image.split(':')[1];
      assert.ok(tag && tag !== 'latest' && /\d/.test(tag), `${name}: ${image} is not pinned to a version`);
    }
  });

  it('publishes ports as "[127.0.0.1:]host:container" strings, on loopback only', () => {
    for (const [name, service] of services) {
      for (const port of service.ports ?? []) {
        assert.equal(typeof port, 'string', `${name}: write ports as quoted strings (YAML reads 5000:5000 as a base-60 number)`);
        const match = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d{1,5}):(\d{1,5})(?:\/(?:tcp|udp))?$/.exec(port as string);
        assert.ok(match, `${name}: port ${String(port)} is not host:container`);
        assert.equal(match[1], '127.0.0.1', `${name}: ${String(port)} would listen on every interface`);
      }
    }
  });

  it('has depends_on targets that exist, valid conditions, and no cycles', () => {
    const names = new Set(Object.keys(compose.services));
    const conditions = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);
    for (const [name, service] of services) {
      for (const [target, condition] of Object.entries(dependsOn(service))) {
        assert.ok(names.has(target), `${name} depends on unknown service ${target}`);
        assert.ok(conditions.has(condition), `${name}: unknown condition ${condition}`);
        if (condition === 'service_healthy')
          assert.ok(compose.services[target].healthcheck?.test, `${name} waits for ${target} to be healthy, which has no healthcheck`);
        if (condition === 'service_completed_successfully') {
          assert.ok([undefined, 'no'].includes(compose.services[target].restart), `${target} must be a one-shot to complete`);
        }
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, trail: string[]): void => {
      if (done.has(name)) return;
      assert.ok(!visiting.has(name), `depends_on cycle: ${[...trail, name].join(' -> ')}`);
      visiting.add(name);
      for (const target of Object.keys(dependsOn(compose.services[name]))) visit(target, [...trail, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of names) visit(name, []);
  });

  it('declares the named volumes services mount', () => {
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : ((volume as { source?: string }).source ?? '');
        if (source.startsWith('.') || source.startsWith('/') || source === '') continue;
        assert.ok(compose.volumes && source in compose.volumes, `${name}: volume ${source} is not declared`);
      }
    }
  });

  it('keeps secrets out of the file: secret-like variables are required ${...} references', () => {
    const secretLike = /PASSWORD|PWD|SECRET|TOKEN|API_KEY|ACCESS_KEY/i;
    let checked = 0;
    for (const [name, service] of services) {
      for (const [key, value] of Object.entries(env(service))) {
        if (!secretLike.test(key)) continue;
        checked++;
        assert.match(value, /^\$\{[A-Z0-9_]+:\?[^}]*\}$/, `${name}.${key} must be \${VAR:?message}, not a value or a default`);
      }
    }
    assert.ok(checked >= 4);
  });

  it('points the worker at Temporal and at the S3 emulator by service name', () => {
    const worker = env(compose.services.worker);
    assert.equal(worker.STORE, 's3');
    assert.ok(worker.S3_BUCKET);
    const [temporalHost] = worker.TEMPORAL_ADDRESS.split(':');
    assert.ok(temporalHost in compose.services);
    assert.ok(new URL(worker.AWS_ENDPOINT_URL).hostname in compose.services);
    assert.equal(compose.services[new URL(worker.AWS_ENDPOINT_URL).hostname].image?.split(':')[0], 'motoserver/moto');
    assert.equal(worker.TEMPORAL_EMBEDDED, 'false', 'the container must not start its own dev server');
    assert.deepEqual(compose.services.worker.command, ['worker']);
  });

  it('runs the SQS poller from the worker image against the queue moto-setup creates and notifies', () => {
    const poller = compose.services['sqs-poller'];
    assert.ok(poller, 'an sqs-poller service');
    assert.deepEqual(poller.command, ['sqs-poller']);
    assert.equal(poller.image, compose.services.worker.image, 'the worker image runs it');
    const pollerEnv = env(poller);
    const workerEnv = env(compose.services.worker);
    for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'STORE', 'S3_BUCKET', 'S3_PREFIX', 'PAYLOAD_KEYS'])
      assert.equal(pollerEnv[name], workerEnv[name], `the poller and the worker disagree on ${name}`);
    const queueName = new URL(pollerEnv.SQS_QUEUE_URL).pathname.split('/').pop() ?? '';
    const setup = JSON.stringify(compose.services['moto-setup'].command);
    assert.ok(setup.includes(`QueueName=\\"${queueName}\\"`), `moto-setup creates ${queueName}`);
    assert.ok(setup.includes('put_bucket_notification_configuration'), 'moto-setup notifies the queue of uploads');
    assert.match(readFileSync(path.join(root, 'docker', 'entrypoint.sh'), 'utf8'), /^\s*sqs-poller\) exec node .*cli\.js" sqs-poller/m);
  });

  it('registers exactly the search attributes the workflows upsert', () => {
    const setup = services.find(([, s]) => s.image?.startsWith('temporalio/admin-tools:'))?.[1];
    assert.ok(setup);
    const typeNames: Record<string, string> = {
      KEYWORD: 'Keyword',
      INT: 'Int',
      TEXT: 'Text',
      DOUBLE: 'Double',
      BOOL: 'Bool',
      DATETIME: 'Datetime',
      KEYWORD_LIST: 'KeywordList',
    };
    const declared = env(setup).SEARCH_ATTRIBUTES.split(/\s+/).sort();
    assert.deepEqual(declared, allSearchAttributes.map((key) => `${key.name}=${typeNames[key.type]}`).sort());
  });
});

describe('docker/Dockerfile', () => {
  it('is multi-stage on a pinned node:20 bookworm-slim, with npm ci, build, dev deps pruned', () => {
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1] ?? '';
    assert.match(base, /^node:20\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    const froms = dockerfile.match(/^FROM .+$/gm) ?? [];
    assert.ok(froms.length >= 2 && froms.every((line) => line.startsWith('FROM ${NODE_IMAGE}')), froms.join('\n'));
    assert.match(dockerfile, /RUN npm ci\b/);
    assert.match(dockerfile, /npm run build/);
    assert.match(dockerfile, /npm prune --omit=dev/);
  });

  it('runs the final stage as a non-root user, the worker by default', () => {
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const user = /^USER (\S+)$/m.exec(finalStage)?.[1];
    assert.ok(user && !['root', '0', '0:0'].includes(user), `final stage runs as ${user ?? 'root'}`);
    assert.match(finalStage, /^ENTRYPOINT \["\/usr\/local\/bin\/nlp-batch"\]$/m);
    assert.match(finalStage, /^CMD \["worker"\]$/m);
    assert.match(finalStage, /COPY docker\/entrypoint.sh \/usr\/local\/bin\/nlp-batch/);
  });

  it('keeps secrets and local state out of the build context (.dockerignore allow-list)', () => {
    const lines = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(lines[0], '**', 'everything is excluded first');
    const allowed = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    for (const needed of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'requirements.txt',
      'src/**',
      'bin/**',
      'docker/entrypoint.sh',
    ]) {
      assert.ok(allowed.includes(needed), `${needed} must be in the build context`);
    }
    for (const secret of ['.env', '.venv', '.data', 'node_modules', 'dist'])
      assert.ok(!allowed.some((a) => a.startsWith(secret)), `${secret} must stay out`);
    // Everything the Dockerfile copies from the context is allowed in.
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of match[1].split(/\s+/))
        assert.ok(
          allowed.some((a) => a === source || a === `${source}/**` || a === `${source}/`),
          `COPY ${source} is excluded by .dockerignore`,
        );
    }
  });
});

describe('docker/entrypoint.sh', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'entrypoint-'));
    // A stand-in `node` that prints how it was called.
    writeFileSync(path.join(dir, 'node'), '#!/bin/sh\necho "node $*"\n');
    chmodSync(path.join(dir, 'node'), 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function run(...args: string[]): string {
    const out = spawnSync('sh', [path.join(root, 'docker', 'entrypoint.sh'), ...args], {
      env: { PATH: `${dir}:/usr/bin:/bin`, APP_DIR: '/app' },
      encoding: 'utf8',
    });
    assert.equal(out.status, 0, out.stderr);
    return out.stdout.trim();
  }

  it('runs the worker by default and the batch entrypoint for `score`', () => {
    // The standalone `nlp-batch worker` command: no embedded server, queues from WORKER_QUEUES or --queues.
    assert.equal(run(), 'node /app/dist/src/client/cli.js worker');
    assert.equal(run('worker', '--queues', 'cpu'), 'node /app/dist/src/client/cli.js worker --queues cpu');
    assert.equal(run('score'), 'node /app/dist/src/scoring/batch-entrypoint.js');
    assert.equal(run('etl'), 'node /app/dist/src/etl/local-etl-entrypoint.js');
    assert.equal(run('cli', 'status', '--json'), 'node /app/dist/src/client/cli.js status --json');
    assert.equal(run('echo', 'anything else'), 'anything else');
  });

  it('maps to entrypoints that the build produces', () => {
    for (const file of ['src/workers/main.ts', 'src/scoring/batch-entrypoint.ts', 'src/etl/local-etl-entrypoint.ts', 'src/client/cli.ts']) {
      assert.ok(existsSync(path.join(root, file)), file);
    }
  });
});
