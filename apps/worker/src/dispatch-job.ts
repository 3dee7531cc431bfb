import { jobCatalog, type TJobName, type TJobPayload } from "@koi/core/job-catalog";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import type { TJobContext, TJobHandler } from "./job-context.ts";
import type { TJobHandlers } from "./job-handlers.ts";
import { isJobName } from "./job-queues.ts";

export type TDispatchInput = { name: string; data: unknown; jobId: string; attemptsMade: number };

/**
 * Runs one BullMQ job through its typed handler. The payload is re-validated here because job data
 * in Redis may predate a schema change or come from elsewhere: a job that can never succeed fails
 * at once (UnrecoverableError, no retry) and stays visible in the failed set.
 */
export async function dispatchJob(
  handlers: TJobHandlers,
  job: TDispatchInput,
  ctx: Omit<TJobContext, "jobId" | "attemptsMade">,
): Promise<void> {
  if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job name "${job.name}"`);
  await runTyped(handlers, job.name, job, ctx);
}

async function runTyped<N extends TJobName>(
  handlers: TJobHandlers,
  name: N,
  job: TDispatchInput,
  ctx: Omit<TJobContext, "jobId" | "attemptsMade">,
): Promise<void> {
  const parsed = jobCatalog[name].payload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${name}: ${z.prettifyError(parsed.error)}`);
  const handler = handlers[name] as TJobHandler<N>;
  await handler(parsed.data as TJobPayload<N>, { ...ctx, jobId: job.jobId, attemptsMade: job.attemptsMade });
}
