import { AppError } from "@koi/core/app-error";
import { env } from "@koi/core/env";
import { getRedis } from "@koi/core/redis";
import { reserveTimeBudget, settleTimeBudget, type TTimeBudget } from "@koi/core/time-budget";

const WINDOW_MS = 60_000;
/** A tenth of the budget, about the longest one preview takes within the planner's bounds. */
const RESERVE_SHARE = 0.1;

/** Milliseconds spent in the planner's search, summed over the calls it times. */
export type TPlanningClock = { time: <T>(search: () => Promise<T>) => Promise<T>; spentMs: () => number };

export function planningClock(): TPlanningClock {
  let spent = 0;
  return {
    // The search runs synchronously inside the promise, so wall time here is the planner's CPU time.
    time: async (search) => {
      const started = performance.now();
      try {
        return await search();
      } finally {
        spent += performance.now() - started;
      }
    },
    spentMs: () => spent,
  };
}

/**
 * Plan previews run on the web process every tenant shares, and a tenant decides how costly they
 * are (the capacity its agents report, the size of its workloads): one heavy preview takes up to
 * half a second of CPU, and the per-key request limit alone would let one key keep the process busy.
 * Each organisation's previews may spend `KOI_PLAN_PREVIEW_MS_PER_MIN` of planner time per minute;
 * past it they are 429 with Retry-After until the minute ends. Each preview holds a tenth of the
 * budget while it runs, so a burst of concurrent previews cannot all start before any is counted.
 * Submitted workloads are planned by the worker and are not counted.
 */
export async function withinPreviewBudget<T>(orgId: string, preview: (clock: TPlanningClock) => Promise<T>) {
  const budgetMs = env().KOI_PLAN_PREVIEW_MS_PER_MIN;
  const budget: TTimeBudget = {
    bucket: "plan-preview-ms",
    identity: orgId,
    budgetMs,
    windowMs: WINDOW_MS,
    reserveMs: Math.max(1, Math.round(budgetMs * RESERVE_SHARE)),
  };
  const check = await reserveTimeBudget(getRedis(), budget);
  if (!check.allowed) {
    throw new AppError(
      "RATE_LIMITED",
      `This organisation's plan previews used their ${(budget.budgetMs / 1000).toFixed(1)} s of planning time for this minute (${(check.spentMs / 1000).toFixed(1)} s spent). Try again in ${check.retryAfterSeconds} s.`,
      { retryAfterSeconds: check.retryAfterSeconds },
    );
  }
  const clock = planningClock();
  try {
    return await preview(clock);
  } finally {
    await settleTimeBudget(getRedis(), budget, clock.spentMs());
  }
}
