import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, venvBin } from '../../src/util/repo-root';
import { run, type RunResult, synthesise, type Synthesis } from './synth';

const CHECKOV = path.join(repoRoot(), '.venv', 'iac', 'bin', 'checkov');
const WORKFLOW = path.join(repoRoot(), '.github', 'workflows', 'ci-cd-ct.yml');

/**
 * Static checks on the synthesised template: cdk-nag (AwsSolutions) during synthesis, cfn-lint and
 * checkov afterwards (both from the project's tool venvs), and actionlint on the GitHub workflow.
 */
describe('infra: cdk-nag, cfn-lint, checkov and actionlint', function () {
  this.timeout(240_000);
  let s: Synthesis;
  let cfnLint: RunResult;
  let checkov: RunResult;

  before(async () => {
    s = await synthesise();
    // The two linters are independent: run them side by side.
    [cfnLint, checkov] = await Promise.all([
      run(venvBin('cfn-lint'), ['--format', 'parseable', s.templatePath]),
      run(CHECKOV, ['--config-file', path.join(repoRoot(), 'infra', 'checkov.yaml'), '-f', s.templatePath, '-o', 'json']),
    ]);
  });

  it('passes cdk-nag AwsSolutions: every finding is fixed or acknowledged with a reason', () => {
    // Synthesis would have failed (and synthesise() thrown) on an unacknowledged finding.
    const report = JSON.parse(readFileSync(path.join(s.outdir, 'policy-validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ summary: { pluginName: string; status: string }; violations: unknown[] }>;
    };
    for (const plugin of report.pluginReports) assert.notEqual(plugin.summary.status, 'failure', plugin.summary.pluginName);
    // writeSuppressionsToCloudFormation copies each acknowledgement, with its reason, into the template.
    const acknowledged = new Map<string, string>();
    for (const r of Object.values(s.template.Resources)) {
      const rules = ((r.Metadata?.cdk_nag as { rules_to_suppress?: Array<{ id: string; reason: string }> }) ?? {}).rules_to_suppress ?? [];
      for (const rule of rules) if (rule.id.startsWith('AwsSolutions-')) acknowledged.set(rule.id, rule.reason);
    }
    assert.ok(acknowledged.size > 0);
    for (const [id, reason] of acknowledged)
      assert.ok(reason.length >= 60, `${id}: the reason is too short to justify anything: ${reason}`);
    // No blanket acknowledgements of the rules that guard data: encryption, public access, TLS, logging.
    for (const id of acknowledged.keys())
      assert.ok(!/^AwsSolutions-(S1|S2|S10|SQS3|SQS4|SNS2|SNS3|KMS5|CT1|VPC7)$/.test(id), `${id} must be fixed, not acknowledged`);
  });

  it('passes cfn-lint without errors', () => {
    // Exit status is a bit mask: 2 = errors, 4 = warnings, 8 = informational.
    const errors = cfnLint.output.split('\n').filter((line) => /:E\d{4}:/.test(line));
    assert.deepEqual(errors, []);
    assert.equal(cfnLint.code & ~(4 | 8), 0, `cfn-lint failed:\n${cfnLint.output}`);
  });

  it('passes checkov with no failed check', () => {
    assert.equal(checkov.code, 0, `checkov failed:\n${checkov.output.slice(-8000)}`);
    const parsed = JSON.parse(checkov.output.slice(checkov.output.indexOf('{'))) as {
      summary: { passed: number; failed: number; resource_count: number };
    };
    assert.equal(parsed.summary.failed, 0);
    assert.ok(parsed.summary.passed > 100 && parsed.summary.resource_count > 50, 'checkov read the whole template');
  });

  it('justifies every check skipped in infra/checkov.yaml', () => {
    const lines = readFileSync(path.join(repoRoot(), 'infra', 'checkov.yaml'), 'utf8').split('\n');
    const start = lines.findIndex((l) => l.startsWith('skip-check:'));
    assert.ok(start >= 0);
    let skips = 0;
    for (let i = start + 1; i < lines.length && /^\s/.test(lines[i]); i++) {
      const item = /^\s+-\s+(CKV\S+)/.exec(lines[i]);
      if (!item) continue;
      skips++;
      const comment: string[] = [];
      for (let j = i - 1; j > start && /^\s+#/.test(lines[j]); j--) comment.unshift(lines[j].replace(/^\s+#\s?/, ''));
      assert.ok(comment.join(' ').length >= 80, `${item[1]} has no justification comment above it`);
    }
    assert.ok(skips > 0 && skips <= 6, `${skips} skipped checks`);
  });

  it('passes actionlint on the CI/CD/CT workflow', async () => {
    const result = await run(venvBin('actionlint'), ['-no-color', WORKFLOW]);
    assert.equal(result.code, 0, `actionlint:\n${result.output}`);
  });

  it('actionlint catches a broken workflow (the check is live)', async () => {
    const broken = readFileSync(WORKFLOW, 'utf8').replace('runs-on: ubuntu-24.04', 'runs-on: ${{ matrix.nope }}');
    const file = path.join(s.outdir, 'broken.yml');
    writeFileSync(file, broken);
    const result = await run(venvBin('actionlint'), ['-no-color', file]);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /matrix/);
  });

  it('has the test, build, deploy and train jobs the project needs', () => {
    const text = readFileSync(WORKFLOW, 'utf8');
    for (const job of ['test', 'build', 'deploy', 'train']) assert.match(text, new RegExp(`^  ${job}:`, 'm'), job);
    assert.match(text, /npm test/);
    assert.match(text, /id-token: write/, 'OIDC role assumption');
    assert.match(text, /environment:\s*\n?\s*name: production|environment: production/, 'deploy waits for the environment approval');
    assert.match(text, /npx nlp-batch train --data store-prefix:staged\//);
    assert.match(text, /schedule:/);
    assert.match(text, /workflow_dispatch:/);
  });
});
