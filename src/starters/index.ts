/**
 * Starting and signalling the three workflows, in one place: start, signal-with-start and
 * update-with-start helpers used by the CLI, the activities that trigger other workflows and the
 * S3-event Lambda. Depends only on the Temporal client and src/contracts (no settings, no CLI), so
 * a one-file Lambda bundle and an activity can use it as well as a command can.
 */
export * from './drift';
export * from './ingest';
export * from './training';
