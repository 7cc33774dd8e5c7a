import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/util/repo-root';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { load } = require('js-yaml') as { load(text: string): unknown };

interface Step {
  name?: string;
  run?: string;
}

describe('the deploy job (rolling deploys, docs/scaling.md)', () => {
  const workflow = load(readFileSync(path.join(repoRoot(), '.github', 'workflows', 'ci-cd-ct.yml'), 'utf8')) as {
    jobs: Record<string, { steps: Step[] }>;
  };

  it('replays running and recent production histories against the new code before it deploys', () => {
    const steps = workflow.jobs.deploy.steps;
    const replays = steps.findIndex((s) => /nlp-batch replay --query "ExecutionStatus = 'Running'"/.test(s.run ?? ''));
    const deploys = steps.findIndex((s) => /cdk deploy/.test(s.run ?? ''));
    assert.ok(replays >= 0, 'no replay step');
    assert.ok(deploys > replays, 'the replay must come before cdk deploy');
    assert.match(steps[replays].run ?? '', /CloseTime >/, 'recently closed histories are replayed too');
  });

  it('builds the workflow bundle the image carries (its hash is the build id)', () => {
    const build = workflow.jobs.build.steps.map((s) => s.run ?? '').join('\n');
    assert.match(build, /npm run build:bundle/);
    const dockerfile = readFileSync(path.join(repoRoot(), 'docker', 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /npm run build:bundle/);
    assert.match(dockerfile, /WORKFLOW_BUNDLE=\/app\/dist\/workflow-bundle\.js/);
  });
});
