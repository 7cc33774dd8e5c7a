// The workflow bundle's entry point: every workflow type the worker registers.
export { ingestBatch } from './ingest-batch';
export { ingestShardRange } from './ingest-shard-range';
export { continuousTraining } from './continuous-training';
export { driftCorrection, scheduledDriftCheck } from './drift-correction';
export { scheduledTraining } from './continuous-training';
export { manualPromotion } from './manual-promotion';
export { closedRunWatch } from './closed-run-watch';
