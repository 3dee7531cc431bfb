/**
 * Runs work one at a time per key, in the order it arrives. The agent polls an assignment and
 * executes its commands concurrently; both read and write the adapter's state for it (a Tuna
 * variant switch lives there), so the later write would undo the earlier one without this.
 */
export function createKeyedLock(): <T>(key: string, work: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, work) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      // The last one out leaves no entry behind: assignments come and go.
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
