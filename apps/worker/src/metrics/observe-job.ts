import { jobDuration, jobsProcessed } from "@koi/core/metrics/koi-metrics";
import { inSpan, SpanKind } from "@koi/core/tracing/trace-context";
import { isJobName } from "../job-queues.ts";

export type TObservedJob = { queue: string; jobName: string; jobId: string; traceparent: string | null };

/**
 * Runs one job attempt in a span continuing the trace that enqueued it, counting it by result and
 * timing it; the job's own outcome is unchanged.
 */
export async function observeJob<T>(job: TObservedJob, run: () => Promise<T>): Promise<T> {
  // Job names come from Redis: anything outside the catalog is one label, not a new series each.
  const labels = { queue: job.queue, job: isJobName(job.jobName) ? job.jobName : "unknown" };
  const end = jobDuration.startTimer(labels);
  try {
    const result = await inSpan(
      `job ${labels.job}`,
      {
        kind: SpanKind.CONSUMER,
        parent: job.traceparent,
        attributes: { "koi.queue": job.queue, "koi.job.name": labels.job, "koi.job.id": job.jobId },
      },
      run,
    );
    jobsProcessed.inc({ ...labels, result: "completed" });
    return result;
  } catch (err) {
    jobsProcessed.inc({ ...labels, result: "failed" });
    throw err;
  } finally {
    end();
  }
}
