import { readFileSync } from 'node:fs';

let lexicon: ReadonlyMap<string, number> | undefined;

/**
 * VADER's word -> mean valence table, read once from the `vader-sentiment` package's own
 * `vader_lexicon.txt` (token TAB mean TAB sd TAB ratings), so the package stays the single source
 * of the ratings while the scoring rules live in `vader.ts`.
 */
export function vaderLexicon(): ReadonlyMap<string, number> {
  if (!lexicon) {
    const table = new Map<string, number>();
    const text = readFileSync(require.resolve('vader-sentiment/vader_lexicon.txt'), 'utf8');
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab <= 0) continue;
      const valence = Number.parseFloat(line.slice(tab + 1, line.indexOf('\t', tab + 1)));
      if (Number.isFinite(valence)) table.set(line.slice(0, tab), valence);
    }
    if (table.size < 7000) throw new Error(`vader lexicon looks truncated: ${table.size} entries`);
    lexicon = table;
  }
  return lexicon;
}
