import { readFileSync } from 'node:fs';
import { stemToken } from '../stem';
import { normaliseValence } from './vader';

/*
 * VADER has no Spanish lexicon. Spanish documents get a VADER-shaped score from lexicons that ship
 * with `natural`: AFINN-es (integer ratings -5..5, clamped to VADER's -4..4 scale) and ML-SentiCon
 * (polarity -1..1, scaled by 4), both keyed by Spanish stem so "buena", "buenos" and "bueno" share
 * one entry. A negation in the three preceding tokens flips and damps a word's valence like VADER's
 * N_SCALAR, intensifiers add VADER's booster increment, and the sum goes through VADER's
 * normalisation, so the thresholds (+-0.05) mean the same thing in both languages.
 */

const NEGATION_SCALAR = -0.74;
const BOOST = 0.293;
const NEGATIONS = new Set(['no', 'ni', 'nunca', 'jamás', 'jamas', 'tampoco', 'sin']);
const INTENSIFIERS = new Set([
  'muy',
  'mucho',
  'mucha',
  'muchos',
  'muchas',
  'muchísimo',
  'bastante',
  'demasiado',
  'sumamente',
  'realmente',
  'extremadamente',
  'increíblemente',
  'totalmente',
  'súper',
  'super',
  'tan',
  'tremendamente',
]);
const DAMPENERS = new Set(['poco', 'apenas', 'algo', 'casi', 'ligeramente']);

let lexicon: ReadonlyMap<string, number> | undefined;

function readJson(specifier: string): unknown {
  return JSON.parse(readFileSync(require.resolve(specifier), 'utf8'));
}

function isSingleWord(entry: string): boolean {
  return !/[\s_]/.test(entry) && /\p{L}/u.test(entry);
}

/** Stem -> valence on VADER's scale (exported for glue/sentiment_data.json, the Glue job's copy). */
export function spanishLexicon(): ReadonlyMap<string, number> {
  if (!lexicon) {
    // Loaded on first Spanish document only: English-only workers never pay for 13k entries.
    const afinn = readJson('natural/lib/natural/sentiment/Spanish/afinnShortSortedSpanish.json') as Record<string, number>;
    const senticon = readJson('natural/lib/natural/sentiment/Spanish/senticon_es.json') as Record<string, { pol: string }>;
    const sums = new Map<string, { total: number; count: number }>();
    for (const [word, entry] of Object.entries(senticon)) {
      if (!isSingleWord(word)) continue;
      const stem = stemToken(word.toLowerCase(), 'es');
      const sum = sums.get(stem) ?? { total: 0, count: 0 };
      sum.total += Number.parseFloat(entry.pol) * 4;
      sum.count += 1;
      sums.set(stem, sum);
    }
    const table = new Map<string, number>();
    for (const [stem, { total, count }] of sums) table.set(stem, total / count);
    // Human ratings win over the automatically induced SentiCon where both know a stem.
    for (const [word, rating] of Object.entries(afinn)) {
      if (isSingleWord(word)) table.set(stemToken(word.toLowerCase(), 'es'), Math.max(-4, Math.min(4, rating)));
    }
    lexicon = table;
  }
  return lexicon;
}

/** Compound score in [-1, 1] for lower-case Spanish tokens (stopwords included: "no" matters). */
export function spanishCompound(tokens: readonly string[]): number {
  const table = spanishLexicon();
  let sum = 0;
  for (let i = 0; i < tokens.length; i++) {
    let valence = table.get(stemToken(tokens[i], 'es'));
    if (valence === undefined || valence === 0) continue;
    for (let j = Math.max(0, i - 3); j < i; j++) {
      const previous = tokens[j];
      if (INTENSIFIERS.has(previous)) valence += valence > 0 ? BOOST : -BOOST;
      else if (DAMPENERS.has(previous)) valence -= valence > 0 ? BOOST : -BOOST;
    }
    for (let j = Math.max(0, i - 3); j < i; j++) {
      if (NEGATIONS.has(tokens[j])) {
        valence *= NEGATION_SCALAR;
        break;
      }
    }
    sum += valence;
  }
  return sum === 0 ? 0 : Number.parseFloat(normaliseValence(sum).toFixed(4));
}
