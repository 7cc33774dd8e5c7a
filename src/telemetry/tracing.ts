import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import type { Settings } from '../config/settings';

export interface Tracing {
  /** Adds the workflow, activity and client interceptors and the workflow span sink to a worker. */
  plugin: OpenTelemetryPlugin;
  /** Workflow interceptor modules to bundle: trace context propagation inside the sandbox. */
  workflowModules: string[];
  /** Flushes the spans still batched (call after the worker stopped). */
  shutdown(): Promise<void>;
}

/**
 * Traces of workflows and activities, exported over OTLP/HTTP to `settings.telemetry.otlpEndpoint`
 * (`/v1/traces` is appended), through @temporalio/interceptors-opentelemetry. Workflow spans leave
 * the sandbox through a sink; activity spans go through the global tracer provider registered here.
 * Undefined when no endpoint is configured: tracing is off by default.
 */
export function createTracing(settings: Settings): Tracing | undefined {
  const endpoint = settings.telemetry.otlpEndpoint;
  if (!endpoint) return undefined;
  const resource = new Resource({ [ATTR_SERVICE_NAME]: settings.telemetry.serviceName });
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  // A context manager, or `context.with` is a no-op and an activity's span never joins the trace
  // its workflow sent in the headers.
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  return {
    plugin: new OpenTelemetryPlugin({ resource, spanProcessor: processor }),
    workflowModules: [require.resolve('./workflow-propagation')],
    shutdown: () => provider.shutdown(),
  };
}
