import { createHash } from 'node:crypto';

/**
 * Decides train or test for one document from its content hash and a seed: deterministic (a
 * retried or resumed run splits identically), streaming (no need to hold the set), and, applied
 * within each label, stratified in expectation.
 */
export function isTestDocument(contentHash: string, label: string, seed: number, testFraction: number): boolean {
  return hashUniform(contentHash, label, seed) < testFraction;
}

/**
 * A number in [0, 1) fixed by the document, its label and a seed: "u < f" picks a fraction f of
 * each label, and the picks for f < g are nested (every document picked at f is picked at g).
 */
export function hashUniform(contentHash: string, label: string, seed: number): number {
  const digest = createHash('sha256').update(`${seed}\u0000${label}\u0000${contentHash}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

export function contentHash(title: string, body: string): string {
  return createHash('sha1').update(title).update('\u0000').update(body).digest('hex');
}
