/** What a pipeline run tells the people who watch it: a batch finished, failed, a model was promoted… */
export interface Notification {
  /** Machine-readable kind, used for subscription filters (SNS message attributes). */
  event:
    | 'batch.completed'
    | 'batch.failed'
    /** Files a legacy addFiles signal brought after the batch stopped taking files: not processed, resubmit them. */
    | 'batch.late-files'
    /** A batch whose results are complete, but whose metrics, statistics or triggers failed. */
    | 'batch.bookkeeping-failed'
    | 'model.promoted'
    | 'model.rejected'
    | 'training.failed'
    | 'drift.warning'
    | 'drift.detected';
  subject: string;
  /** Human-readable body; must not contain document text or secrets. */
  message: string;
  severity: 'info' | 'warning' | 'error';
  /** Flat key/values such as batchId, status, counts, model version, links. */
  attributes: Record<string, string | number>;
}

export interface Notifier {
  publish(notification: Notification): Promise<void>;
}
