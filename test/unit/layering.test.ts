import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/util/repo-root';

/** Every import specifier of every .ts file under `dir` (relative imports resolved to repo paths). */
function importsUnder(dir: string): Array<{ file: string; target: string }> {
  const root = repoRoot();
  const out: Array<{ file: string; target: string }> = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) {
        const text = readFileSync(full, 'utf8');
        for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
          const spec = match[1];
          const target = spec.startsWith('.') ? path.relative(root, path.resolve(path.dirname(full), spec)) : spec;
          out.push({ file: path.relative(root, full), target });
        }
      }
    }
  };
  walk(path.join(root, dir));
  return out;
}

describe('layering: who may start workflows, and with what', () => {
  it('activities and the Lambda start workflows through src/starters, never through the CLI layer (src/client)', () => {
    const offending = [...importsUnder('src/activities'), ...importsUnder('src/lambda'), ...importsUnder('infra/lambda')].filter(
      ({ target }) => target.startsWith('src/client'),
    );
    assert.deepEqual(offending, []);
  });

  it('src/starters depends only on the Temporal client and src/contracts', () => {
    const deps = importsUnder('src/starters').filter(({ target }) => !target.startsWith('src/starters'));
    assert.ok(deps.length > 0);
    for (const { file, target } of deps)
      assert.ok(target === '@temporalio/client' || target.startsWith('src/contracts'), `${file} imports ${target}`);
  });

  it('every ingestBatch, continuousTraining and driftCorrection start outside tests goes through src/starters', () => {
    const starts = /workflow\.(start|signalWithStart|executeUpdateWithStart)\b/;
    const mainWorkflows = /INGEST_BATCH_WORKFLOW|CONTINUOUS_TRAINING_WORKFLOW|DRIFT_CORRECTION_WORKFLOW/;
    const outside = ['src', 'infra/lambda']
      .flatMap((dir) => readdirRecursive(path.join(repoRoot(), dir)))
      .filter((file) => starts.test(readFileSync(file, 'utf8')) && mainWorkflows.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(repoRoot(), file))
      .filter((file) => !file.startsWith('src/starters/'));
    assert.deepEqual(outside, []);
  });
});

function readdirRecursive(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? readdirRecursive(full) : name.endsWith('.ts') ? [full] : [];
  });
}
