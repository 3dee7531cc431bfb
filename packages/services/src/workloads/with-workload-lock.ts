import { prisma, type Tx, type Workload } from "@koi/db";
import { publishCommandWakeup } from "../agents/command-wakeups.ts";
import { lockOrgPlanning, lockWorkload } from "./lock-rows.ts";

/** Generous: the transaction holds the org's planning lock while HiGHS runs. */
export const PLAN_TX = { maxWait: 20_000, timeout: 60_000 } as const;

export type TLockedWork<T> = { result: T; wake?: readonly string[] };

/**
 * Runs `work` in one transaction holding the workload's locks in the one order every handler uses
 * (the org's planning lock when GPUs change hands, then the Workload row), and wakes the agents it
 * names once that transaction has committed, so they never poll before the commands exist.
 * `work` gets null for a workload that does not exist; it re-checks the status it expects.
 */
export async function withWorkloadLock<T>(
  workloadId: string,
  opts: { planning: boolean },
  work: (tx: Tx, workload: Workload | null) => Promise<TLockedWork<T>>,
): Promise<T> {
  const head = opts.planning
    ? await prisma.workload.findUnique({ where: { id: workloadId }, select: { orgId: true } })
    : null;
  const done = await prisma.$transaction(
    async (tx) => {
      if (head) await lockOrgPlanning(tx, head.orgId);
      return work(tx, await lockWorkload(tx, workloadId));
    },
    opts.planning ? PLAN_TX : undefined,
  );
  await Promise.all([...new Set(done.wake ?? [])].map((id) => publishCommandWakeup(id)));
  return done.result;
}
