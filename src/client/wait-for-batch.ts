import { isGrpcServiceError, ServiceError, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { IngestBatchResultV2 } from '../contracts/ingest-batch';
import { ingestWorkflowId, type IngestBatchWorkflow } from '../starters';
import { waitWithProgress } from './progress';

/** gRPC codes that say "the request is wrong", as opposed to "the way to the server is broken". */
const PERMANENT_GRPC_CODES = new Set([
  3 /* INVALID_ARGUMENT */, 5 /* NOT_FOUND */, 7 /* PERMISSION_DENIED */, 12 /* UNIMPLEMENTED */, 16 /* UNAUTHENTICATED */,
]);

/**
 * Whether waiting may simply go on: a broken connection, a restarted server, a timed-out long
 * poll. A finished-with-failure workflow, an unknown one or a refused request are final.
 */
export function isTransientWaitError(err: unknown): boolean {
  if (err instanceof WorkflowFailedError || err instanceof WorkflowNotFoundError) return false;
  const grpc = isGrpcServiceError(err) ? err : err instanceof ServiceError && isGrpcServiceError(err.cause) ? err.cause : undefined;
  if (grpc) return !PERMANENT_GRPC_CODES.has(grpc.code);
  return err instanceof ServiceError || /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|UNAVAILABLE/i.test(String(err));
}

export interface WaitForBatchOptions {
  client: Client;
  /** A new client (new connection) for when the current one keeps failing. */
  reconnect: () => Promise<Client>;
  workflowId: string;
  log: (line: string) => void;
  /** Where the progress bar goes (stderr by default). */
  stream?: NodeJS.WriteStream;
  /** Give up after the server has been unreachable this long without a break (default 15 min). */
  giveUpAfterMs?: number;
  /** Reconnect after this many failures in a row (default 3). */
  reconnectAfter?: number;
}

/**
 * Waits for an ingestBatch result the way a user waiting on a long batch needs: transient errors
 * (the connection dropped, the server restarted) are retried with backoff and, when they persist, a
 * fresh connection is made; the batch itself goes on regardless. Returns the batch's result or
 * throws its failure.
 */
export async function waitForBatch(options: WaitForBatchOptions): Promise<{ result: IngestBatchResultV2; client: Client }> {
  const giveUpAfter = options.giveUpAfterMs ?? 15 * 60_000;
  const reconnectAfter = options.reconnectAfter ?? 3;
  let client = options.client;
  let failures = 0;
  let failingSince: number | undefined;
  let delay = 500;
  for (;;) {
    try {
      const handle = client.workflow.getHandle<IngestBatchWorkflow>(options.workflowId);
      const result = await waitWithProgress(handle, options.stream, () => {
        // A progress answer proves the connection works again.
        failures = 0;
        failingSince = undefined;
        delay = 500;
      });
      return { result, client };
    } catch (err) {
      if (!isTransientWaitError(err)) throw err;
      failures++;
      failingSince ??= Date.now();
      if (Date.now() - failingSince > giveUpAfter) throw err;
      const message = err instanceof Error ? err.message : String(err);
      options.log(
        `lost touch with Temporal while waiting for ${options.workflowId} (${message}); the batch goes on; retrying in ${delay} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
      if (failures >= reconnectAfter) {
        try {
          const fresh = await options.reconnect();
          if (client !== options.client) await client.connection.close().catch(() => undefined);
          client = fresh;
          failures = 0;
          options.log('reconnected to Temporal');
        } catch (reconnectErr) {
          options.log(`reconnect failed: ${reconnectErr instanceof Error ? reconnectErr.message : String(reconnectErr)}`);
        }
      }
    }
  }
}

/** The one JSON object `ingest --json` and `wait` print for a finished batch. */
export function batchResultJson(workflowId: string, result: IngestBatchResultV2): Record<string, unknown> {
  return {
    workflowId,
    batchId: result.batchId,
    status: result.status,
    inputRows: result.inputRows,
    scored: result.scored,
    quarantined: result.quarantined,
    resultsPrefix: result.resultsPrefix,
    resultParts: result.resultParts,
    quarantinePrefix: result.quarantinePrefix,
    quarantineFiles: result.quarantineFiles,
    rejectedFiles: result.rejectedFiles,
    rejectedFileCount: result.rejectedFileCount,
    manifestKey: result.manifestKey,
    modelVersion: result.modelVersion,
    ...(result.unprocessedFiles && { unprocessedFiles: result.unprocessedFiles }),
    ...(result.bookkeepingFailures && { bookkeepingFailures: result.bookkeepingFailures }),
  };
}

/** `wait` accepts a workflow id or a batch id. */
export function workflowIdOf(idOrBatchId: string): string {
  return idOrBatchId.startsWith('ingest-') ? idOrBatchId : ingestWorkflowId(idOrBatchId);
}
