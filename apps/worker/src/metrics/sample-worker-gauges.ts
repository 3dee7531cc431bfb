import {
  commandsByState,
  outboxLag,
  outboxPending,
  queueJobs,
  queueOldestWaitingAge,
  workloadsByForecastHealth,
} from "@koi/core/metrics/koi-metrics";
import type { PrismaClient } from "@koi/db";
import type { Queue } from "bullmq";
import type { THealthReport } from "../health-server.ts";

// Commands still in flight; finished ones are counted by koi_command_acks_total instead, so the
// scrape never counts the whole (ever-growing) Command table.
const LIVE_COMMAND_STATES = ["PENDING", "LEASED", "ACCEPTED"] as const;
const HEALTHS = ["UNKNOWN", "ON_TRACK", "AT_RISK", "LATE"] as const;

export type TGaugeSources = {
  db: PrismaClient;
  queues: ReadonlyMap<string, Pick<Queue, "getJobs">>;
  health: () => Promise<THealthReport>;
};

/** Sets the gauges sampled from Redis and Postgres just before a scrape reads them. */
export async function sampleWorkerGauges(src: TGaugeSources, now = Date.now()): Promise<void> {
  const [report, commands, workloads, oldest] = await Promise.all([
    src.health(),
    src.db.command.groupBy({ by: ["status"], where: { status: { in: [...LIVE_COMMAND_STATES] } }, _count: true }),
    src.db.workload.groupBy({ by: ["health"], where: { status: "RUNNING", kind: "batch" }, _count: true }),
    Promise.all(
      [...src.queues].map(async ([name, queue]) => {
        const [job] = await queue.getJobs(["wait"], 0, 0, true).catch(() => []);
        return [name, job ? Math.max(0, (now - job.timestamp) / 1000) : 0] as const;
      }),
    ),
  ]);
  for (const [queue, counts] of Object.entries(report.queues)) {
    for (const [state, n] of Object.entries(counts)) queueJobs.set({ queue, state }, n);
  }
  for (const [queue, age] of oldest) queueOldestWaitingAge.set({ queue }, age);
  if (report.outbox) {
    outboxPending.set(report.outbox.pending);
    outboxLag.set(report.outbox.oldestAgeSeconds);
  }
  for (const state of LIVE_COMMAND_STATES)
    commandsByState.set({ state: state.toLowerCase() }, commands.find((c) => c.status === state)?._count ?? 0);
  for (const health of HEALTHS)
    workloadsByForecastHealth.set(
      { health: health.toLowerCase() },
      workloads.find((w) => w.health === health)?._count ?? 0,
    );
}
