import { LANGUAGES, type Language } from './options';
import { computeStem, isStemmable } from './stem';
import { stopwordSet } from './stopwords';
import { hashOf, WordTable } from './word-table';

/** Distinct words held before the table starts over (each costs a string, a stem and a few bytes). */
const CAPACITY = 200_000;
/** Words the table is first sized for. */
const INITIAL_WORDS = 65_536;

/**
 * Every word seen in recent documents, interned: its one string, whether it is a stopword under
 * each (language, keepNegations), and its stem per language, computed once. Tokenising a document
 * then costs a hash probe per word instead of a substring, a stopword-set lookup and a stem-cache
 * lookup (three string hashes) per word. Bounded: past CAPACITY words it starts over between two
 * documents, so a worker that cleans for months holds at most one table.
 *
 * Only words that can have a stem are interned (no digits, at most 30 code units): numbers, ids
 * and encoded blobs in mail are mostly seen once and would evict real words.
 */
export class Vocabulary {
  /** @param capacity words held before the table starts over (tests use a small one). */
  constructor(private readonly capacity = CAPACITY) {
    this.table = new WordTable([], Math.min(capacity, INITIAL_WORDS));
    this.stopBits = new Uint8Array(Math.min(capacity, INITIAL_WORDS) + 1);
  }

  // Sized for a typical run (SpamAssassin's 6,046 mails hold ~53,000 distinct words) so that the
  // first documents do not pay for rehashing and copying while the table fills.
  private table: WordTable;
  /** Per word id: bit (2 * language index + (keepNegations ? 0 : 1)) set when it is a stopword. */
  private stopBits: Uint8Array;
  private stems = new Map<Language, (string | undefined)[]>();
  /** stopwordSet(language, keepNegations) in stopword-bit order, built on first use. */
  private stopSets: ReadonlySet<string>[] | undefined;

  get size(): number {
    return this.table.size;
  }

  /** How many times the table has started over: ids from different epochs name different words. */
  get epoch(): number {
    return this.restarts;
  }

  private restarts = 0;

  /** Called between documents: ids handed out before stay valid until then. */
  startDocument(): void {
    if (this.table.size >= this.capacity) {
      this.table = new WordTable([], Math.min(this.capacity, INITIAL_WORDS));
      this.stems.clear();
      this.restarts++;
    }
  }

  /** The id of text[start, end) (already lower case), interning it if new; `hash` from WordTable.hashStep over the slice. */
  intern(text: string, start: number, end: number, hash: number): number {
    const id = this.table.getExactHashed(text, start, end, hash);
    // The rest is cold (a new word), kept out of line so this stays small enough to inline.
    return id >= 0 ? id : this.add(text, start, end);
  }

  /** The id of the word held as Latin-1 in bytes[start, end) (lower case), interning it if new. */
  internBytes(bytes: Buffer, start: number, end: number, hash: number): number {
    const id = this.table.getBytesHashed(bytes, start, end, hash);
    return id >= 0 ? id : this.addWord(bytes.toString('latin1', start, end));
  }

  /** `intern` for a word held as UTF-16 in units[start, end), `units` being a view of all of `bytes`. */
  internUnits(units: Uint16Array, bytes: Buffer, start: number, end: number, hash: number): number {
    const id = this.table.getUnitsHashed(units, start, end, hash);
    return id >= 0 ? id : this.addWord(bytes.toString('utf16le', 2 * start, 2 * end));
  }

  private add(text: string, start: number, end: number): number {
    return this.addWord(copyOf(text, start, end));
  }

  private addWord(word: string): number {
    const added = this.table.add(word);
    if (added >= this.stopBits.length) {
      const grown = new Uint8Array(this.stopBits.length * 2);
      grown.set(this.stopBits);
      this.stopBits = grown;
    }
    this.stopSets ??= LANGUAGES.flatMap((language) => [stopwordSet(language, true), stopwordSet(language, false)]);
    let bits = 0;
    for (let b = 0; b < this.stopSets.length; b++) if (this.stopSets[b].has(word)) bits |= 1 << b;
    this.stopBits[added] = bits;
    return added;
  }

  word(id: number): string {
    return this.table.words[id];
  }

  isStopword(id: number, bit: number): boolean {
    return (this.stopBits[id] & bit) !== 0;
  }

  stem(id: number, language: Language): string {
    return this.stemsOf(language)[id] ?? this.computeStem(id, language);
  }

  /** The stems computed so far for a language, by id (holes: not yet computed; see `stem`). */
  stemsOf(language: Language): readonly (string | undefined)[] {
    let stems = this.stems.get(language);
    if (!stems) this.stems.set(language, (stems = []));
    return stems;
  }

  computeStem(id: number, language: Language): string {
    const stems = this.stemsOf(language) as (string | undefined)[];
    const stem = computeStem(this.table.words[id], language);
    stems[id] = stem;
    return stem;
  }
}

/**
 * text.slice(start, end) as a string of its own: V8 represents a slice of 13 or more code units as
 * a view of its parent, and an interned word must not keep a whole document alive.
 */
function copyOf(text: string, start: number, end: number): string {
  if (end - start < 13) return text.slice(start, end);
  const codes = new Array<number>(end - start);
  for (let i = start; i < end; i++) codes[i - start] = text.charCodeAt(i);
  return String.fromCharCode(...codes);
}

/** The bit of `Vocabulary.isStopword` for a language and negation setting. */
export function stopwordBit(language: Language, keepNegations: boolean): number {
  const index = LANGUAGES.indexOf(language);
  if (index < 0) throw new RangeError(`unsupported language ${JSON.stringify(language)}`);
  return 1 << (2 * index + (keepNegations ? 0 : 1));
}

export const vocabulary = new Vocabulary();

/** Whether a token of this length and digit content may be interned (and stemmed). */
export function isInternable(length: number, hasDigit: boolean): boolean {
  return !hasDigit && isStemmable(length);
}

export { hashOf };
