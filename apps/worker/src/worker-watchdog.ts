export type TWatchdogSample = {
  now: number;
  /** Jobs in the queue's wait list right now. */
  waiting: number;
  /** Since when the wait list has been non-empty at every sample (null: it was empty last time). */
  waitingSince: number | null;
  /** Last time this process's worker started a job (or was created). */
  lastPickupAt: number;
  inFlight: number;
  concurrency: number;
};

/**
 * Why the worker looks wedged, or null. BullMQ has had bugs where a Worker stopped fetching after a
 * Redis restart although its connection came back (#648, #2466, #2964); the symptom is the same
 * whatever the cause: jobs keep waiting while this worker has free slots and starts nothing.
 */
export function stuckReason(s: TWatchdogSample, stuckMs: number): string | null {
  if (s.waiting === 0 || s.waitingSince === null) return null;
  if (s.inFlight >= s.concurrency) return null;
  const waitedMs = s.now - s.waitingSince;
  const idleMs = s.now - s.lastPickupAt;
  if (waitedMs < stuckMs || idleMs < stuckMs) return null;
  return `${s.waiting} jobs waiting for ${Math.round(waitedMs / 1000)} s while ${s.concurrency - s.inFlight} slots are free and no job started for ${Math.round(idleMs / 1000)} s`;
}

/** The next `waitingSince`: kept while jobs keep waiting, cleared as soon as the wait list is empty. */
export function nextWaitingSince(prev: number | null, waiting: number, now: number): number | null {
  if (waiting === 0) return null;
  return prev ?? now;
}
