import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { settingsTable, tableInReadme, TABLE_END, TABLE_START, undocumentedSettings } from '../../../src/config/settings-table';
import { repoRoot } from '../../../src/util/repo-root';
import { anchorsOf, linksOf } from './markdown';

const root = repoRoot();
const readme = () => readFileSync(path.join(root, 'README.md'), 'utf8');
const markdownFiles = () => [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('README and docs', () => {
  it('every settings variable has a description (.describe() beside it in src/config/settings.ts)', () => {
    assert.deepEqual(undocumentedSettings(), [], 'add .describe("what it means; allowed values") to these variables');
  });

  it("README's configuration table is the one generated from the settings schema", () => {
    const inReadme = tableInReadme(readme());
    assert.ok(inReadme !== undefined, `README.md lacks the markers ${TABLE_START} ... ${TABLE_END}`);
    assert.ok(inReadme === settingsTable(), 'README.md configuration table is stale: run `npm run docs:config` and commit README.md');
  });

  it('every relative link in README.md and docs/*.md resolves (files, folders and #anchors)', () => {
    const broken: string[] = [];
    const anchorCache = new Map<string, Set<string>>();
    const anchors = (file: string) => {
      if (!anchorCache.has(file)) anchorCache.set(file, anchorsOf(readFileSync(file, 'utf8')));
      return anchorCache.get(file)!;
    };
    let checked = 0;
    for (const doc of markdownFiles()) {
      const source = path.join(root, doc);
      for (const { target, line } of linksOf(readFileSync(source, 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
        checked++;
        const [filePart, anchor] = splitAnchor(decodeURIComponent(target));
        const file = filePart === '' ? source : path.resolve(path.dirname(source), filePart);
        if (!file.startsWith(root) || !existsSync(file)) {
          broken.push(`${doc}:${line}: ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && statSync(file).isFile() && file.endsWith('.md') && !anchors(file).has(anchor.toLowerCase())) {
          broken.push(`${doc}:${line}: ${target} (no heading #${anchor} in ${path.relative(root, file)})`);
        }
      }
    }
    assert.deepEqual(broken, []);
    assert.ok(checked > 20, `only ${checked} relative links found: is the link reader broken?`);
  });
});

function splitAnchor(target: string): [string, string | undefined] {
  const hash = target.indexOf('#');
  return hash < 0 ? [target, undefined] : [target.slice(0, hash), target.slice(hash + 1)];
}

describe('the Markdown link reader', () => {
  it('skips code, finds inline and reference links, and slugs headings like GitHub', () => {
    const md = [
      '# The command line',
      '## Inputs: CSV & TSV',
      '## Inputs: CSV & TSV',
      '```sh',
      'echo [not](a-link.md)',
      '```',
      'See [a](docs/a.md#x "t"), `[b](b.md)` and ![c](img/c.png).',
      '[ref]: ./ref.md',
    ].join('\n');
    assert.deepEqual(
      linksOf(md).map((l) => l.target),
      ['docs/a.md#x', 'img/c.png', './ref.md'],
    );
    assert.deepEqual([...anchorsOf(md)], ['the-command-line', 'inputs-csv--tsv', 'inputs-csv--tsv-1']);
  });
});
