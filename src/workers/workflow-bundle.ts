import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';

/**
 * The workflow code as one webpack bundle, made at build time (`npm run build:bundle`, the Docker
 * image) so a worker starts without bundling, and named by a build id derived from its content:
 * two workers with the same bundle run the same workflow code, so the id is what Worker Versioning
 * keys on (docs/scaling.md, rolling deploys).
 */
export interface PrebuiltBundle {
  workflowBundle: NonNullable<WorkerOptions['workflowBundle']>;
  buildId: string;
}

export function buildIdOf(code: string): string {
  return `wf-${createHash('sha256').update(code).digest('hex').slice(0, 16)}`;
}

export async function loadPrebuiltBundle(file: string): Promise<PrebuiltBundle> {
  const code = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`WORKFLOW_BUNDLE=${file}: ${err.code === 'ENOENT' ? 'no such file (npm run build:bundle makes it)' : err.message}`);
  });
  return { workflowBundle: { code }, buildId: buildIdOf(code) };
}

/** `node dist/src/workers/workflow-bundle.js [out]`: writes the bundle (default dist/workflow-bundle.js) and prints its build id. */
async function main(out = path.resolve(__dirname, '..', '..', 'workflow-bundle.js')): Promise<void> {
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop },
  });
  await fs.writeFile(out, code);
  process.stdout.write(`${out} ${buildIdOf(code)}\n`);
}

if (require.main === module) {
  main(process.argv[2]).catch((err) => {
    process.stderr.write(`workflow bundle failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
