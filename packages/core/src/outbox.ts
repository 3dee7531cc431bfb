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

/**
 * `enqueueViaOutbox` for many jobs of one kind in one statement: a sweep that enqueues hundreds
 * of rows row by row holds its transaction for seconds, past Prisma's 5 s under load.
 */
export async function enqueueManyViaOutbox<N extends TJobName>(
  tx: Tx,
  jobName: N,
  jobs: readonly { payload: TJobPayload<N>; jobId: string; orgId?: string | null }[],
): Promise<void> {
  const traceparent = currentTraceparent();
  await tx.outboxEvent.createMany({
    data: jobs.map((j) => {
      assertValidJobId(j.jobId);
      return {
        jobName,
        jobId: j.jobId,
        payload: jobCatalog[jobName].payload.parse(j.payload) as Prisma.InputJsonValue,
        orgId: j.orgId ?? null,
        traceparent,
      };
    }),
    skipDuplicates: true,
  });
}
