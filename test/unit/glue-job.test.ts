import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildEntityVectors,
  buildGlueTextRules,
  ENTITY_VECTORS_PATH,
  GLUE_TEXT_RULES_PATH,
  html5EntityNames,
  serializeEntityVectors,
  serializeGlueTextRules,
} from '../../src/jobs/glue-text-rules';
import { repoRoot, venvBin } from '../../src/util/repo-root';

describe('Glue job (glue/)', () => {
  it('glue/text_rules.json matches src/text (regenerate: node dist/src/jobs/glue-text-rules.js)', async () => {
    const file = path.join(repoRoot(), ...GLUE_TEXT_RULES_PATH);
    const expected = await serializeGlueTextRules(buildGlueTextRules(html5EntityNames()));
    assert.ok(readFileSync(file, 'utf8') === expected, `${file} is stale: run node dist/src/jobs/glue-text-rules.js and commit it`);
  });

  it('test/fixtures/entity-vectors.json holds what src/text decodes today (the Python port is checked against it)', async () => {
    const file = path.join(repoRoot(), ...ENTITY_VECTORS_PATH);
    const expected = await serializeEntityVectors(buildEntityVectors(html5EntityNames()));
    assert.ok(readFileSync(file, 'utf8') === expected, `${file} is stale: run node dist/src/jobs/glue-text-rules.js and commit it`);
  });

  it('passes its pytest suite (cleaning vectors, arguments, store, PySpark local run)', async function () {
    this.timeout(180_000);
    const { code, output } = await run(venvBin('python'), ['-m', 'pytest', 'glue/tests', '-q', '-p', 'no:cacheprovider'], {
      ...process.env,
      // Keep the tree clean: no __pycache__ in glue/, no .pytest_cache.
      PYTHONDONTWRITEBYTECODE: '1',
    });
    assert.equal(code, 0, `pytest failed:\n${output.slice(-6000)}`);
    assert.match(output, /\d+ passed/);
    assert.doesNotMatch(output, /skipped|xfail/);
  });
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}
