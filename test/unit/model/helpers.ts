import type { LabelledDoc } from '../../../src/model';

/** Whitespace-tokenised labelled documents for small hand-checked cases. */
export function docs(...rows: [label: string, text: string][]): LabelledDoc[] {
  return rows.map(([label, text]) => ({ label, features: text.split(' ').filter((t) => t !== '') }));
}

export function assertClose(actual: number, expected: number, tolerance: number, message?: string): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`${message ?? 'value'}: expected ${expected} +- ${tolerance}, got ${actual}`);
  }
}
