import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ModelRegistry } from '../../../src/model';
import { explainDocument, topTermsPerLabel } from '../../../src/model/explain';
import { FsObjectStore } from '../../../src/storage/fs-object-store';
import { cleanDocument } from '../../../src/text';
import { repoRoot } from '../../../src/util/repo-root';
import { testCodecEnv } from '../../helpers/codec';
import { seedModel } from '../../helpers/seed-model';

const run = promisify(execFile);

describe('explaining one document (score)', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nlp-explain-'));
  const store = new FsObjectStore(path.join(dir, 'store'));
  const registry = new ModelRegistry(store);
  before(() => seedModel(registry, 'explain', 600));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const spam = 'Congratulations! You have been selected to win a FREE prize. Click here now to claim your cash, limited offer';

  it('gives the same label and probabilities as predictRecord, VADER sentiment, and terms that pushed towards the label', async () => {
    const classifier = await registry.load('explain', 'v1');
    const e = explainDocument(classifier, { body: spam }, 5);
    const p = classifier.predictRecord({ body: spam });
    assert.equal(e.label, p.label);
    assert.deepEqual(e.probabilities, p.probabilities);
    assert.equal(e.label, 'spam');
    assert.deepEqual(e.sentiment, cleanDocument({ body: spam }).sentiment);
    assert.ok(e.topTerms.length > 0 && e.topTerms.length <= 5);
    for (let i = 1; i < e.topTerms.length; i++) assert.ok(e.topTerms[i - 1].contribution >= e.topTerms[i].contribution);
    // The log-odds the terms add up to is the posterior's log-odds minus the priors' (two classes).
    const all = explainDocument(classifier, { body: spam }, 100_000);
    const sum = all.topTerms.reduce((s, t) => s + t.contribution, 0);
    const k = classifier.labels.indexOf('spam');
    const prior = classifier.model.classLogPrior[k] - classifier.model.classLogPrior[1 - k];
    assert.ok(
      sum >= Math.log(p.probabilities.spam / p.probabilities.ham) - prior - 1e-9,
      'positive terms carry at least the whole log-odds',
    );
    const top = topTermsPerLabel(classifier, 10);
    assert.deepEqual(Object.keys(top).sort(), ['ham', 'spam']);
    assert.equal(top.spam.length, 10);
    assert.ok(top.spam.every((t) => t.logOdds > 0));
  });

  it('nlp-batch score prints label, probabilities, sentiment and top terms; score - reads stdin lines', async () => {
    const env = { ...process.env, ...testCodecEnv, STORE: 'fs', STORE_ROOT: store.root, DATA_DIR: dir, MODEL_NAME: 'explain' };
    const cli = path.join(repoRoot(), 'dist/src/client/cli.js');
    const { stdout } = await run(process.execPath, [cli, 'score', spam], { env });
    assert.match(stdout, /^label {8}spam$/m);
    assert.match(stdout, /^probability {2}spam 0\.\d{4} {2}ham 0\.\d{4}$/m);
    assert.match(stdout, /^sentiment {4}positive \(VADER compound 0\.\d{4}\)$/m);
    assert.match(stdout, /^top terms {4}\S+ \(\+\d+\.\d{3}\)/m);

    const child = execFile(process.execPath, [cli, 'score', '-', '--json', '--model', 'explain@v1'], { env });
    child.stdin?.end(`${spam}\n\nThanks for the meeting notes, see you at the review on Monday\n`);
    const out = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}`))));
    });
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { label: string; model: string; topTerms: unknown[] });
    assert.deepEqual(
      rows.map((r) => [r.label, r.model]),
      [
        ['spam', 'explain@v1'],
        ['ham', 'explain@v1'],
      ],
    );

    const missing = await run(process.execPath, [cli, 'score', 'x', '--model', 'nothing'], { env }).catch(
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal((missing as { code: number }).code, 1);
    assert.match((missing as { stderr: string }).stderr, /nlp-batch: model nothing has no promoted version/);
  });
});
