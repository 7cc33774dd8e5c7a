import { ensureCapacity } from '../../util/growable';
import { PairTable } from './pair-table';
import { StringTable } from './string-table';

export const NO_NODE = -1;

/**
 * A flat copy of a token that shares no memory with the text it was split from. V8 represents
 * substrings of 13+ characters as slices of their parent, so a table key taken straight from
 * `line.split(' ')` would keep the whole line alive for as long as the table lives; copied keys
 * are also laid out together, which makes lookups touch fewer cache lines.
 */
function ownedCopy(word: string): string {
  return Buffer.from(word, 'utf8').toString('utf8');
}

/**
 * Interns n-grams as integer nodes: a word is a node found by string, and an n-gram is the node of
 * (its first n-1 words' node, its last word's node). Nodes are numbered densely from 0 so callers
 * can keep per-node statistics in typed arrays indexed by node.
 */
export class NgramNodes {
  private readonly words = new StringTable();
  private readonly pairs: PairTable;
  private prefixes = new Int32Array(0);
  private lasts = new Int32Array(0);
  private orders = new Uint8Array(0);
  /**
   * Text of each distinct word, and for each node its index there (-1 for longer n-grams). Not a
   * node-indexed string array: that one would be millions of holes re-copied as it grows, garbage
   * the collector lets pile up for hundreds of megabytes on long runs.
   */
  private wordList: string[] = [];
  private wordIds = new Int32Array(0);
  private count = 0;

  /** `expectedPairs`: n-grams of two or more words expected (the table grows past it). */
  constructor(expectedPairs = 1024) {
    this.pairs = new PairTable(expectedPairs);
  }

  get size(): number {
    return this.count;
  }

  /** The node of a single word, or NO_NODE. */
  findWord(word: string): number {
    return this.words.get(word);
  }

  /** Like findWord, but an entry handle for wordEntryNode / wordEntryTag (one lookup for both). */
  findWordEntry(word: string): number {
    return this.words.find(word);
  }

  wordEntryNode(entry: number): number {
    return this.words.valueAt(entry);
  }

  wordEntryTag(entry: number): number {
    return this.words.tagAt(entry);
  }

  /** Tags a single-word node (see findWordEntry). */
  tagWord(node: number, tag: number): void {
    if (this.orders[node] !== 1) throw new RangeError('not a single-word node');
    this.words.setTag(this.words.find(this.word(node)), tag);
  }

  /** The node of `prefix` followed by the word node `last`, or NO_NODE. */
  findExtension(prefix: number, last: number): number {
    return this.pairs.get(prefix, last);
  }

  /**
   * Like findExtension, but returns an entry handle whose node and tag (a caller-defined int, -1
   * by default) are read without a second lookup: the tag sits in the same cache line.
   */
  findExtensionEntry(prefix: number, last: number): number {
    return this.pairs.find(prefix, last);
  }

  entryNode(entry: number): number {
    return this.pairs.valueAt(entry);
  }

  entryTag(entry: number): number {
    return this.pairs.tagAt(entry);
  }

  /** Calls `visit` with the (prefix, last word) nodes of every n-gram of two or more words. */
  forEachExtension(visit: (prefix: number, last: number) => void): void {
    this.pairs.forEachPair(visit);
  }

  /** Tags an n-gram node of two or more words (see findExtensionEntry). */
  tagExtension(node: number, tag: number): void {
    if (this.orders[node] < 2) throw new RangeError('only n-grams of two or more words carry a tag');
    this.pairs.setTag(this.pairs.find(this.prefixes[node], this.lasts[node]), tag);
  }

  internWord(word: string): number {
    const known = this.words.get(word);
    if (known !== NO_NODE) return known;
    return this.addWord(word, ownedCopy(word));
  }

  /**
   * Like internWord for a word known to share no memory with a larger string (another table's key),
   * kept as is instead of copied. Separate from internWord, which runs once per token, so as not to
   * weigh on it.
   */
  internOwnedWord(word: string): number {
    const known = this.words.get(word);
    if (known !== NO_NODE) return known;
    return this.addWord(word, word);
  }

  internExtension(prefix: number, last: number): number {
    const candidate = this.count;
    const node = this.pairs.getOrInsert(prefix, last, candidate);
    if (node === candidate) this.add(prefix, last, this.orders[prefix] + 1);
    return node;
  }

  /** Interns the n-gram made of `words` (all of its prefixes become nodes too). */
  internTerm(words: readonly string[]): number {
    let node = this.internWord(words[0]);
    for (let i = 1; i < words.length; i++) node = this.internExtension(node, this.internWord(words[i]));
    return node;
  }

  /** Number of words in the node's n-gram. */
  order(node: number): number {
    return this.orders[node];
  }

  prefixOf(node: number): number {
    return this.prefixes[node];
  }

  lastOf(node: number): number {
    return this.lasts[node];
  }

  /** The word of a single-word node. */
  word(node: number): string {
    return this.wordList[this.wordIds[node]];
  }

  /** The n-gram as sklearn names features: its words joined by single spaces. */
  term(node: number): string {
    const parts: string[] = [];
    let current = node;
    while (this.orders[current] > 1) {
      parts.push(this.word(this.lasts[current]));
      current = this.prefixes[current];
    }
    parts.push(this.word(current));
    return parts.reverse().join(' ');
  }

  /**
   * Keeps the nodes for which `keep` is true, renumbered densely in the same order, in place: the
   * arrays are reused, so a bounded table does not churn through memory as it is pruned again and
   * again. Every kept n-gram's prefix and last word must be kept too. Returns old -> new numbers
   * (NO_NODE for dropped nodes).
   */
  retain(keep: (node: number) => boolean): Int32Array {
    const size = this.count;
    const renumbered = new Int32Array(size).fill(NO_NODE);
    let fresh = 0;
    const words: string[] = [];
    this.words.clear();
    for (let node = 0; node < size; node++) {
      if (!keep(node)) continue;
      const word = this.orders[node] === 1 ? this.word(node) : undefined;
      renumbered[node] = fresh;
      // Nodes are numbered in creation order, so a node's parts were renumbered before it.
      const prefix = this.prefixes[node];
      const last = this.lasts[node];
      this.prefixes[fresh] = prefix === NO_NODE ? NO_NODE : renumbered[prefix];
      this.lasts[fresh] = last === NO_NODE ? NO_NODE : renumbered[last];
      this.orders[fresh] = this.orders[node];
      this.wordIds[fresh] = word === undefined ? -1 : words.length;
      if (word !== undefined) {
        words.push(word);
        this.words.insert(word, fresh);
      }
      fresh++;
    }
    this.count = fresh;
    this.wordList = words;
    this.pairs.clear();
    for (let node = 0; node < fresh; node++) {
      if (this.orders[node] > 1) this.pairs.insert(this.prefixes[node], this.lasts[node], node);
    }
    return renumbered;
  }

  private addWord(word: string, own: string): number {
    if (word.includes(' ')) {
      throw new RangeError(`feature tokens must not contain spaces (n-grams are joined with one): ${JSON.stringify(word)}`);
    }
    const node = this.add(NO_NODE, NO_NODE, 1);
    this.words.insert(own, node);
    this.wordIds[node] = this.wordList.length;
    this.wordList.push(own);
    return node;
  }

  private add(prefix: number, last: number, order: number): number {
    if (order > 255) throw new RangeError('n-grams longer than 255 words are not supported');
    const node = this.count++;
    // One check for the four arrays (they always have the same length): this runs per new n-gram.
    if (node >= this.prefixes.length) {
      this.prefixes = ensureCapacity(this.prefixes, node);
      this.lasts = ensureCapacity(this.lasts, node);
      this.orders = ensureCapacity(this.orders, node);
      this.wordIds = ensureCapacity(this.wordIds, node);
    }
    this.prefixes[node] = prefix;
    this.lasts[node] = last;
    this.orders[node] = order;
    this.wordIds[node] = -1;
    return node;
  }
}
