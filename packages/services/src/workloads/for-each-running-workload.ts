import { prisma } from "@koi/db";
import { logger } from "@koi/core/logger";
import { sweepFailures } from "@koi/core/metrics/koi-metrics";

/**
 * The sweeps' loop: `each` on every RUNNING workload of `kind`, least recently updated first, one
 * after the other (each opens its own transaction), at most 500 a pass. A workload that throws is
 * logged, counted and passed over: it keeps its old updatedAt, so it would head every later pass,
 * and letting it end the pass would leave every workload behind it without forecasts or plans.
 * When every workload throws (Postgres is down, say) the pass fails, so the job is retried and counted.
 */
export async function forEachRunningWorkload<T>(
  kind: "batch" | "online",
  each: (workloadId: string) => Promise<T>,
): Promise<T[]> {
  const running = await prisma.workload.findMany({
    where: { status: "RUNNING", kind },
    select: { id: true },
    orderBy: { updatedAt: "asc" },
    take: 500,
  });
  const outcomes: T[] = [];
  let lastError: unknown;
  for (const w of running) {
    try {
      outcomes.push(await each(w.id));
    } catch (err) {
      lastError = err;
      sweepFailures.inc({ sweep: kind });
      logger.error({ err, workloadId: w.id, sweep: kind }, "sweep passed over a workload it could not handle");
    }
  }
  if (running.length > 0 && outcomes.length === 0) throw lastError;
  return outcomes;
}
