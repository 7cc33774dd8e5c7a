import { parseArgs } from 'node:util';

/** What an option holds: `value` takes the next argument, `flag` stands alone. */
export type OptionKind = 'value' | 'flag';

/**
 * A benchmark's command line, parsed strictly: an unknown or misspelt option (`--doc 1000`) or a
 * count that is not one stops the run with the usage, instead of silently running the defaults,
 * which for the pipeline bench means minutes over a million documents.
 */
export class BenchArgs {
  private readonly values: Record<string, string | boolean | undefined>;

  constructor(
    readonly usage: string,
    private readonly kinds: Record<string, OptionKind>,
    argv: string[] = process.argv.slice(2),
  ) {
    const options = Object.fromEntries(
      Object.entries(kinds).map(([name, kind]) => [name, { type: kind === 'flag' ? 'boolean' : 'string' } as const]),
    );
    try {
      this.values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
    } catch (err) {
      throw this.usageError(err instanceof Error ? err.message : String(err));
    }
  }

  flag(name: string): boolean {
    return this.read(name, 'flag') === true;
  }

  text(name: string): string | undefined;
  text(name: string, fallback: string): string;
  text(name: string, fallback?: string): string | undefined {
    const raw = this.read(name, 'value');
    return typeof raw === 'string' ? raw : fallback;
  }

  /** A comma-separated list, blanks dropped. */
  list(name: string, fallback: string[]): string[] {
    const raw = this.text(name);
    if (raw === undefined) return fallback;
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.length === 0) throw this.usageError(`--${name} needs at least one item`);
    return items;
  }

  /** The option as a positive integer, or `fallback` (any value: 0, Infinity, undefined) when it is absent. */
  positiveInt<F extends number | undefined>(name: string, fallback: F): number | F {
    const raw = this.text(name);
    return raw === undefined ? fallback : this.toPositiveInt(name, raw);
  }

  /** A comma-separated list of positive integers, such as `--docs 100000,1000000`. */
  positiveInts(name: string, fallback: number[]): number[] {
    const raw = this.text(name);
    return raw === undefined ? fallback : this.list(name, []).map((item) => this.toPositiveInt(name, item));
  }

  private toPositiveInt(name: string, raw: string): number {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1)
      throw this.usageError(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    return n;
  }

  private read(name: string, kind: OptionKind): string | boolean | undefined {
    // A bench asking for an option it did not declare is the bench's bug, not the user's.
    if (this.kinds[name] !== kind) throw new Error(`bench option --${name} is not declared as a ${kind}`);
    return this.values[name];
  }

  /** The reason and the usage, without a stack: the benches print `err.stack`, and a trace says nothing to a user who mistyped. */
  private usageError(reason: string): Error {
    const error = new Error(`${reason}\nusage: ${this.usage}`);
    error.stack = error.message;
    return error;
  }
}
