import { isCancellation, log } from '@temporalio/workflow';
import type { BookkeepingFailureV1 } from '../contracts/ingest-batch';

/**
 * The steps that run after a batch's results and manifest are written (metrics, batch statistics,
 * the training and drift triggers, the completion notification). A batch's outcome is its
 * results: when one of these fails for good, the failure is recorded (and alerted by the caller)
 * and the batch still completes. Cancellation still cancels.
 */
export class Bookkeeping {
  private readonly failed: Array<{ at: number; failure: BookkeepingFailureV1 }> = [];
  private started = 0;

  /** In the order the steps were started, whichever finished first (some run side by side). */
  get failures(): BookkeepingFailureV1[] {
    return [...this.failed].sort((a, b) => a.at - b.at).map((f) => f.failure);
  }

  async run(step: string, work: () => Promise<unknown>): Promise<void> {
    const at = this.started++;
    try {
      await work();
    } catch (err) {
      if (isCancellation(err)) throw err;
      const error = describe(err);
      log.warn('bookkeeping step failed after the results were written', { step, error });
      this.failed.push({ at, failure: { step, error } });
    }
  }
}

/** The failure and its causes, outermost first ("Activity task failed: ... : ThrottlingException: ..."). */
function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && parts.length < 5; e = (e as { cause?: unknown }).cause) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    const type = (e as { type?: string | null }).type;
    parts.push(type ? `${type}: ${e.message}` : e.message);
  }
  return parts.join(': ');
}
