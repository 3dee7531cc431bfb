import { jobDuration, jobsProcessed } from "@koi/core/metrics/koi-metrics";
import { isJobName } from "../job-queues.ts";

/** Runs one job attempt, counting it by result and timing it; the job's own outcome is unchanged. */
export async function observeJob<T>(queue: string, jobName: string, run: () => Promise<T>): Promise<T> {
  // Job names come from Redis: anything outside the catalog is one label, not a new series each.
  const job = isJobName(jobName) ? jobName : "unknown";
  const end = jobDuration.startTimer({ queue, job });
  try {
    const result = await run();
    jobsProcessed.inc({ queue, job, result: "completed" });
    return result;
  } catch (err) {
    jobsProcessed.inc({ queue, job, result: "failed" });
    throw err;
  } finally {
    end();
  }
}
