/** Lets timers and I/O (activity heartbeats among them) run between two slices of a long fit. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
