/** Drift statistics and decision policy: pure (no Temporal, no I/O), shared by activities and the workflow. */
export * from './histogram';
export * from './statistics';
export * from './gamma';
export * from './divergence';
export * from './compare';
export * from './policy';
export { fingerprint } from './hash';
export { driftKeys } from './keys';
