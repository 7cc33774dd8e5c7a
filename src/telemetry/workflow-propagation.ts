import {
  propagation,
  trace,
  TraceFlags,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';

/**
 * A workflow interceptor module (bundled into the workflow sandbox when tracing is on). The sandbox
 * has its own OpenTelemetry globals, with no propagator: the workflow's spans would then reach its
 * activities without trace context, and every activity would start a trace of its own. This
 * registers W3C Trace Context propagation there. @opentelemetry/core's propagator cannot be
 * bundled (it reaches for Node APIs), so this is the few lines of `traceparent` it needs.
 */
const TRACEPARENT = 'traceparent';
const FORMAT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

class TraceParentPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpanContext(context);
    if (!span || !trace.isSpanContextValid(span)) return;
    setter.set(carrier, TRACEPARENT, `00-${span.traceId}-${span.spanId}-0${Number(span.traceFlags || TraceFlags.NONE).toString(16)}`);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, TRACEPARENT);
    const value = Array.isArray(raw) ? raw[0] : raw;
    const match = typeof value === 'string' ? FORMAT.exec(value.trim()) : null;
    if (!match) return context;
    return trace.setSpanContext(context, { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16), isRemote: true });
  }

  fields(): string[] {
    return [TRACEPARENT];
  }
}

propagation.setGlobalPropagator(new TraceParentPropagator());

/** No interceptor of its own: importing the module is what matters. */
export const interceptors = () => ({});
