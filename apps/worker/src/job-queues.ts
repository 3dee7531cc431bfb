import { jobCatalog, jobNames, queueNames, type TJobName } from "@koi/core/job-catalog";
import type { JobsOptions } from "bullmq";

export type TQueueName = (typeof jobCatalog)[TJobName]["queue"];

/** Completed jobs stay a day so a re-published job id is still deduplicated; failed ones stay as dead letters. */
export const COMPLETED_JOB_RETENTION_SECONDS = 86_400;

export function isJobName(name: string): name is TJobName {
  return Object.hasOwn(jobCatalog, name);
}

/**
 * Retry policy of one job, straight from the catalog; the job id is the outbox row's. `priority`
 * (BullMQ's: lower runs first, none before any) orders plan jobs fairly between organisations.
 */
export function jobOptionsFor(name: TJobName, jobId: string, priority?: number): JobsOptions {
  const spec = jobCatalog[name];
  return {
    jobId,
    ...(priority ? { priority } : {}),
    attempts: spec.attempts,
    backoff: { type: "exponential", delay: spec.backoffMs, jitter: 0.2 },
    removeOnComplete: { age: COMPLETED_JOB_RETENTION_SECONDS },
    removeOnFail: false,
  };
}

/** A queue carries several job kinds; its worker runs as many at once as the most parallel of them allows. */
export function queueConcurrency(queue: string): number {
  const specs = jobNames.map((n) => jobCatalog[n]).filter((s) => s.queue === queue);
  if (specs.length === 0) throw new Error(`no job in the catalog uses queue ${queue}`);
  return Math.max(...specs.map((s) => s.concurrency));
}

export const catalogQueues = queueNames as TQueueName[];
