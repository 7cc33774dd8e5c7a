import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../src/util/repo-root';

/** What the infra tests share: one synthesis per test run (the cloud assembly in a temp folder). */
export interface Synthesis {
  outdir: string;
  stackName: string;
  templatePath: string;
  template: CfnTemplate;
  assets: AssetManifest;
  manifest: { missing?: unknown[]; artifacts: Record<string, { environment?: string; type: string }> };
  /** stdout + stderr of the app (cdk-nag prints its findings there). */
  log: string;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

export interface AssetManifest {
  files: Record<string, { source: { path: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }>;
  dockerImages: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }>;
}

export interface RunResult {
  code: number;
  output: string;
}

/** Context for the one synthesis: the optional GuardDuty and Config resources on, so they are checked too. */
export const TEST_CONTEXT = {
  stackName: 'NlpBatchTest',
  temporalAddress: 'nlp-batch.a1b2c.tmprl.cloud:7233',
  temporalNamespace: 'nlp-batch.a1b2c',
  guardDuty: true,
  awsConfig: true,
};

export function infraDir(): string {
  return path.join(repoRoot(), 'infra');
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot(),
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

let pending: Promise<Synthesis> | undefined;

/** Compiles the CDK app (infra/tsconfig.json) and synthesises it once; later calls share the result. */
export function synthesise(): Promise<Synthesis> {
  pending ??= (async () => {
    const infra = infraDir();
    const tsc = await run(
      process.execPath,
      [path.join(infra, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(infra, 'tsconfig.json')],
      { cwd: infra },
    );
    if (tsc.code !== 0) throw new Error(`infra: tsc failed:\n${tsc.output}`);
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'nlp-batch-cdk-'));
    // Shared by every infra test file, so removed when the test process exits (mocha runs with --exit).
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
    // No credentials and no region: synthesis must not need either.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify(TEST_CONTEXT),
    };
    const app = await run(process.execPath, [path.join(infra, 'node_modules', '.cache', 'nlp-batch-infra', 'bin', 'app.js')], {
      cwd: infra,
      env,
    });
    if (app.code !== 0) throw new Error(`infra: cdk synth failed (exit ${app.code}):\n${app.output.slice(-20_000)}`);
    const stackName = TEST_CONTEXT.stackName;
    const templatePath = path.join(outdir, `${stackName}.template.json`);
    return {
      outdir,
      stackName,
      templatePath,
      template: JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplate,
      assets: JSON.parse(readFileSync(path.join(outdir, `${stackName}.assets.json`), 'utf8')) as AssetManifest,
      manifest: JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as Synthesis['manifest'],
      log: app.output,
    };
  })();
  return pending;
}

/** The parts of aws-cdk-lib/assertions the tests use, loaded from infra/node_modules at run time. */
export interface CdkAssertions {
  Template: {
    fromJSON(template: unknown): {
      resourceCountIs(type: string, count: number): void;
      hasResourceProperties(type: string, props: unknown): void;
      hasResource(type: string, props: unknown): void;
      findResources(type: string, props?: unknown): Record<string, CfnResource>;
    };
  };
  Match: {
    objectLike(pattern: Record<string, unknown>): unknown;
    arrayWith(pattern: unknown[]): unknown;
    stringLikeRegexp(pattern: string): unknown;
    anyValue(): unknown;
    absent(): unknown;
    exact(pattern: unknown): unknown;
  };
}

export function cdkAssertions(): CdkAssertions {
  const load = createRequire(path.join(infraDir(), 'package.json'));
  return load('aws-cdk-lib/assertions') as CdkAssertions;
}

/** Resources of one type, by logical id. */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Logical ids a CloudFormation value refers to (Ref and Fn::GetAtt, at any depth). */
export function referencedIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencedIds(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') out.add(v[0]);
      else referencedIds(v, out);
    }
  }
  return out;
}
