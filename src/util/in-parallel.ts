/**
 * Runs `work` over `items` with `lanes` lanes, each owning a resource opened for it and closed
 * after. The first failure stops every lane from taking another item and is thrown once all have
 * stopped (no conversion is left running against a closed engine).
 */
export async function inParallel<T, R>(
  items: readonly T[],
  lanes: number,
  open: () => Promise<R>,
  work: (resource: R, item: T) => Promise<void>,
  close: (resource: R) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    let resource: R | undefined;
    try {
      resource = await open();
      while (!failed && next < items.length) await work(resource, items[next++]);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      if (resource !== undefined) await close(resource);
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: lanes }, lane));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
}
