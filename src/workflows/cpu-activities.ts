import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import { cpuTaskQueue } from '../contracts/task-queues';

/**
 * Activity stubs on the CPU queue of the calling workflow's own queue (see src/contracts/task-queues).
 * Call it inside a workflow function: the queue comes from the running workflow.
 */
export function cpuActivities<A extends object>(options: ActivityOptions): A {
  return proxyActivities<A>({ ...options, taskQueue: cpuTaskQueue(workflowInfo().taskQueue) }) as A;
}
