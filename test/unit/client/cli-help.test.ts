import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/client/cli';
import type { CliContext } from '../../../src/client/commands/context';
import { repoRoot } from '../../../src/util/repo-root';

const run = promisify(execFile);
const cli = path.join(__dirname, '../../../src/client/cli.js');

const ctx: CliContext = {
  ci: true,
  settings: () => {
    throw new Error('--help must not need settings');
  },
  out: () => undefined,
  log: () => undefined,
};

/** Every command and subcommand, with its path ("schedule training"). */
function commands(program: Command): Array<{ path: string; command: Command }> {
  const out: Array<{ path: string; command: Command }> = [];
  const walk = (c: Command, prefix: string) => {
    for (const sub of c.commands) {
      const p = prefix ? `${prefix} ${sub.name()}` : sub.name();
      out.push({ path: p, command: sub });
      walk(sub, p);
    }
  };
  walk(program, '');
  return out;
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe('the command line explains itself', () => {
  it("ends every command's --help with examples of that very command", () => {
    const all = commands(buildProgram(ctx));
    assert.ok(all.length >= 15, `only ${all.length} commands found`);
    const missing: string[] = [];
    for (const { path: name, command } of all) {
      const help = helpOf(command);
      const examples = help.split('\nExamples:\n')[1];
      if (examples === undefined) {
        missing.push(`${name}: no "Examples:" section (add .addHelpText('after', examples([...])))`);
        continue;
      }
      const lines = examples.split('\n').filter((l) => l.trim() !== '');
      assert.ok(lines.length > 0, `${name}: empty examples`);
      for (const line of lines) {
        // An example may set variables first: `TEMPORAL_ADDRESS=... nlp-batch up`.
        const commandLine = line.replace(/^\s*\$\s*/, '').replace(/^([A-Z_]+=\S+\s+)*/, '');
        assert.ok(
          commandLine.startsWith(`nlp-batch ${name}`) || (name === 'demo' && commandLine.startsWith('npm start')),
          `${name}: example "${line.trim()}" is not a ${name} command line`,
        );
      }
    }
    assert.deepEqual(missing, []);
  });

  it('prints its version', async () => {
    const { stdout } = await run(process.execPath, [cli, '--version']);
    const own = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')).version;
    assert.match(
      stdout.trim(),
      new RegExp(`^nlp-batch ${own.replace(/\./g, '\\.')} \\(Temporal TypeScript SDK 1\\.\\d+\\.\\d+, Node\\.js v\\d+`),
    );
  });

  it('README documents every command', () => {
    const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The command line'), readme.indexOf('\n## ', readme.indexOf('## The command line') + 5));
    const undocumented = buildProgram(ctx)
      .commands.map((c) => c.name())
      .filter((name) => !new RegExp('`' + name.replace(/-/g, '\\-') + '[ `]').test(section));
    assert.deepEqual(undocumented, [], 'add these commands to the command table in README.md ("The command line")');
  });
});
