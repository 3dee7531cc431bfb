import type { Prisma, Tx } from "@koi/db";
import { currentTraceparent } from "./tracing/trace-context.ts";
import { assertValidJobId, jobCatalog, type TJobName, type TJobPayload } from "./job-catalog.ts";

/**
 * Records background work in the same transaction as the state change that needs it.
 * The worker's relay moves the row into BullMQ under `jobId`, so the job exists exactly when
 * the change committed — never one without the other. A repeated `jobId` is a no-op.
 */
export async function enqueueViaOutbox<N extends TJobName>(
  tx: Tx,
  jobName: N,
  payload: TJobPayload<N>,
  opts: { jobId: string; orgId?: string | null },
): Promise<void> {
  assertValidJobId(opts.jobId);
  const parsed = jobCatalog[jobName].payload.parse(payload) as Prisma.InputJsonValue;
  await tx.outboxEvent.upsert({
    where: { jobId: opts.jobId },
    create: {
      jobName,
      jobId: opts.jobId,
      payload: parsed,
      orgId: opts.orgId ?? null,
      traceparent: currentTraceparent(),
    },
    update: {},
  });
}
