import type { Client } from '@temporalio/client';
import type { MetricsSink } from '../../metrics/metrics-sink';
import type { Notifier } from '../../notify/notifier';
import type { ObjectStore } from '../../storage/object-store';
import { createAlertMetricActivities } from './alert-metrics';
import { createAlertClosedRuns } from './closed-runs';

/** The alarm metrics and the closed-run watcher's activity. */
export function createTelemetryActivities(deps: { store: ObjectStore; notifier: Notifier; metrics: MetricsSink; client?: Client }) {
  return {
    ...createAlertMetricActivities(deps.metrics),
    alertClosedRuns: createAlertClosedRuns(deps),
  };
}

export type TelemetryActivities = ReturnType<typeof createTelemetryActivities>;
