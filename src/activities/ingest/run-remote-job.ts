import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { jobSpecKey } from '../../jobs/job-spec-key';
import type { JobSpec, RemoteJobRunner } from '../../jobs/remote-job';
import type { ObjectStore } from '../../storage/object-store';

export const remoteJobFailureTypes = {
  failed: 'RemoteJobFailed',
  /** The job reported bad input (exit code 2, a Glue SpecError): never resubmitted. */
  badInput: 'RemoteJobBadInput',
  notConfigured: 'RunnerNotConfigured',
} as const;

interface JobHeartbeat {
  jobId: string;
}

/**
 * Runs one remote job to its end: writes the spec (claim check: the job gets its key), submits it
 * once — a retried attempt finds the job id in its heartbeat details and keeps polling instead of
 * submitting again — polls with heartbeats, stops the job when the workflow cancels, and maps a
 * failed job to a typed failure: retried by Temporal (the runner's idempotency token then lets the
 * resubmission replace the failed job), unless the job reported bad input, which fails at once.
 */
export async function runRemoteJob<S extends JobSpec>(
  store: ObjectStore,
  runner: RemoteJobRunner<S> | undefined,
  spec: S,
  pollMs: number,
): Promise<void> {
  if (!runner) {
    throw ApplicationFailure.create({
      type: remoteJobFailureTypes.notConfigured,
      nonRetryable: true,
      message: `no ${spec.kind} runner is configured on this worker (see ETL and BATCH in the configuration)`,
    });
  }
  const context = Context.current();
  const token = `${spec.batchId}-${spec.kind}`;
  let jobId = (context.info.heartbeatDetails as JobHeartbeat | undefined)?.jobId;
  // Heartbeat details outlive a failed attempt: when the job they name has failed, that failure is
  // why this attempt runs, so submit again (the runners skip failed jobs with the same token).
  if (jobId && (await runner.status(jobId)).state === 'failed') jobId = undefined;
  if (!jobId) {
    await store.put(jobSpecKey(spec.batchId, spec.kind), JSON.stringify(spec), { contentType: 'application/json' });
    jobId = await runner.submit(spec, token);
  }
  context.heartbeat({ jobId } satisfies JobHeartbeat);
  try {
    for (;;) {
      const state = await runner.status(jobId);
      if (state.state === 'succeeded') return;
      if (state.state === 'failed') {
        throw ApplicationFailure.create({
          type: state.permanent ? remoteJobFailureTypes.badInput : remoteJobFailureTypes.failed,
          nonRetryable: state.permanent === true,
          message: `${runner.name} job ${jobId} ${state.code}: ${state.reason}`,
          details: [{ jobId, code: state.code }],
        });
      }
      context.heartbeat({ jobId } satisfies JobHeartbeat);
      await context.sleep(pollMs);
    }
  } catch (err) {
    if (err instanceof CancelledFailure) await runner.stop(jobId, `workflow cancelled: ${err.message}`);
    throw err;
  }
}
