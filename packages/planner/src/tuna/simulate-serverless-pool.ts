/**
 * A serverless GPU endpoint (Modal / RunPod / Cloud Run worker pool) as it bills: each worker is
 * billed per GPU from the moment it starts (cold start included) until it has been idle for the
 * scale-down window, rounded up to the provider's billing increment. Requests land on the warm
 * worker with the earliest free slot, start a new worker when all are full and the pool is below
 * `workersMax`, and otherwise queue for the earliest slot.
 */
export type TServerlessPoolConfig = {
  coldStartSeconds: number;
  /** `serverless.scaledown_window`: a worker lives this long after its last request ends. */
  idleWindowSeconds: number;
  /** `serverless.concurrency`: requests one worker serves at once. */
  concurrency: number;
  workersMax: number;
  /** Workers kept up for the whole horizon (`serverless.workers_min`). */
  workersMin: number;
  /** RunPod bills whole seconds, Cloud Run 0.1 s. */
  billingIncrementSeconds: number;
};

export type TServedRequest = { arrival: number; start: number; end: number };

type TWorker = { startedAt: number; readyAt: number; slots: number[]; lastEnd: number; pinned: boolean };

export type TServerlessPool = {
  serve: (arrival: number, serviceSeconds: number) => TServedRequest;
  /** Closes the pool at `horizon` and returns the billed worker-seconds (per worker, not per GPU). */
  close: (horizon: number) => { billedWorkerSeconds: number; coldStarts: number };
};

export function createServerlessPool(config: TServerlessPoolConfig): TServerlessPool {
  const workers: TWorker[] = [];
  let billed = 0;
  let coldStarts = 0;
  for (let i = 0; i < config.workersMin; i++) {
    workers.push({
      startedAt: 0,
      readyAt: 0,
      slots: new Array<number>(config.concurrency).fill(0),
      lastEnd: 0,
      pinned: true,
    });
  }

  const roundUp = (seconds: number): number =>
    Math.ceil(seconds / config.billingIncrementSeconds - 1e-9) * config.billingIncrementSeconds;
  const stopAt = (w: TWorker): number =>
    w.pinned ? Infinity : Math.max(w.lastEnd, w.readyAt) + config.idleWindowSeconds;

  const retireIdle = (now: number): void => {
    for (let i = workers.length - 1; i >= 0; i--) {
      const w = workers[i]!;
      const stop = stopAt(w);
      if (stop <= now) {
        billed += roundUp(stop - w.startedAt);
        workers.splice(i, 1);
      }
    }
  };

  const earliestSlot = (w: TWorker): { index: number; free: number } => {
    let index = 0;
    for (let i = 1; i < w.slots.length; i++) if (w.slots[i]! < w.slots[index]!) index = i;
    return { index, free: Math.max(w.slots[index]!, w.readyAt) };
  };

  return {
    serve(arrival, serviceSeconds) {
      retireIdle(arrival);
      let best: { w: TWorker; index: number; free: number } | null = null;
      for (const w of workers) {
        const slot = earliestSlot(w);
        if (best === null || slot.free < best.free) best = { w, ...slot };
      }
      const canStartNew = workers.length < config.workersMax;
      // A new worker is started only if no existing slot frees before that worker would be ready.
      if (best === null || (best.free > arrival && canStartNew && best.free > arrival + config.coldStartSeconds)) {
        const w: TWorker = {
          startedAt: arrival,
          readyAt: arrival + config.coldStartSeconds,
          slots: new Array<number>(config.concurrency).fill(0),
          lastEnd: arrival,
          pinned: false,
        };
        workers.push(w);
        coldStarts++;
        best = { w, index: 0, free: w.readyAt };
      }
      const start = Math.max(arrival, best.free);
      const end = start + serviceSeconds;
      best.w.slots[best.index] = end;
      best.w.lastEnd = Math.max(best.w.lastEnd, end);
      return { arrival, start, end };
    },
    close(horizon) {
      for (const w of workers) billed += roundUp(Math.min(stopAt(w), Math.max(horizon, w.lastEnd)) - w.startedAt);
      workers.length = 0;
      return { billedWorkerSeconds: billed, coldStarts };
    },
  };
}
