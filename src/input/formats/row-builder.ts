import type { ScannedRow } from '../record-scanner';
import type { ParsedRow } from '../types';

/**
 * Turns scanner output into rows for one format. Synchronous on purpose: the per-row work stays
 * out of the async machinery, which costs a promise per step.
 */
export interface RowBuilder {
  /** Whether the scanner must honour CSV quoting (fields with embedded newlines). */
  readonly quotes: boolean;
  /** The row for a scanned record or rejection, or null when it is not a data row (a CSV header). */
  build(scanned: ScannedRow): ParsedRow | null;
  /** Called once the stream is exhausted; throws when the file as a whole is unusable. */
  finish(rows: number): void;
}
