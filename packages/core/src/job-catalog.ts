import { z } from "zod";

/**
 * Every background job Koi runs: name → queue, payload schema, retry policy, concurrency.
 * Enqueue only through `enqueueViaOutbox` (or the worker's typed helpers); handlers re-validate
 * the payload and must be safe to run twice.
 */
export const jobCatalog = {
  "send-waitlist-confirmation": {
    queue: "email",
    payload: z.object({ entryId: z.string().min(1) }).strict(),
    attempts: 8,
    backoffMs: 2_000,
    concurrency: 4,
  },
  "send-invitation": {
    queue: "email",
    payload: z.object({ invitationId: z.string().min(1) }).strict(),
    attempts: 8,
    backoffMs: 2_000,
    concurrency: 4,
  },
  // A reset request as the web app takes it: whether the address has an account is decided here,
  // in the worker, so the request does the same work (this one row) for every address.
  "start-password-reset": {
    queue: "email",
    payload: z.object({ email: z.string().min(3).max(320), requestedAt: z.iso.datetime() }).strict(),
    attempts: 8,
    backoffMs: 2_000,
    concurrency: 4,
  },
  "send-password-reset": {
    queue: "email",
    payload: z.object({ resetId: z.string().min(1) }).strict(),
    attempts: 8,
    backoffMs: 2_000,
    concurrency: 4,
  },
  // Workload pipeline (see docs/workloads.md). Every state change is in Postgres first; these
  // jobs only move it along, and each is safe to run twice.
  "plan-workload": {
    queue: "workloads",
    payload: z.object({ workloadId: z.string().min(1) }).strict(),
    attempts: 6,
    backoffMs: 1_000,
    concurrency: 8,
  },
  "complete-workload": {
    queue: "workloads",
    payload: z.object({ workloadId: z.string().min(1) }).strict(),
    attempts: 6,
    backoffMs: 1_000,
    concurrency: 8,
  },
  "rebalance-for-workload": {
    queue: "workloads",
    payload: z.object({ workloadId: z.string().min(1) }).strict(),
    attempts: 4,
    backoffMs: 2_000,
    concurrency: 2,
  },
  "replan-workload": {
    queue: "workloads",
    // `assignmentId`: the assignment that was lost; the job is a no-op once it is no longer live.
    payload: z
      .object({
        workloadId: z.string().min(1),
        reason: z.string().max(500),
        assignmentId: z.string().min(1).optional(),
      })
      .strict(),
    attempts: 6,
    backoffMs: 2_000,
    concurrency: 4,
  },
  "notify-org": {
    queue: "email",
    payload: z
      .object({
        notificationKey: z.string().min(1).max(200),
        orgId: z.string().min(1),
        kind: z.enum(["slo_at_risk", "budget"]),
        workloadId: z.string().min(1),
        message: z.string().max(2000),
      })
      .strict(),
    attempts: 8,
    backoffMs: 5_000,
    concurrency: 4,
  },
  // Repeating sweeps: one scheduler per job (BullMQ job schedulers are deduplicated by name),
  // so any number of worker processes run each sweep once per period.
  "mark-offline-agents": {
    queue: "system",
    payload: z.object({}).strict(),
    attempts: 1,
    backoffMs: 1_000,
    concurrency: 1,
    repeatEveryMs: 10_000,
  },
  "forecast-workloads": {
    queue: "system",
    payload: z.object({}).strict(),
    attempts: 1,
    backoffMs: 1_000,
    concurrency: 1,
    repeatEveryMs: 5_000,
  },
  // Online services: a capacity decision per service with a report since its last one.
  "plan-online-services": {
    queue: "system",
    payload: z.object({}).strict(),
    attempts: 1,
    backoffMs: 1_000,
    concurrency: 1,
    repeatEveryMs: 10_000,
  },
  "reconcile-workloads": {
    queue: "system",
    payload: z.object({}).strict(),
    attempts: 1,
    backoffMs: 1_000,
    concurrency: 1,
    repeatEveryMs: 15_000,
  },
  "announce-expired-leases": {
    queue: "system",
    payload: z.object({}).strict(),
    attempts: 1,
    backoffMs: 1_000,
    concurrency: 1,
    repeatEveryMs: 5_000,
  },
  // Stored mail (links included) is deleted once its longest link has expired.
  "purge-mail-messages": {
    queue: "system",
    payload: z.object({}).strict(),
    attempts: 1,
    backoffMs: 1_000,
    concurrency: 1,
    repeatEveryMs: 3_600_000,
  },
} as const;

export type TJobName = keyof typeof jobCatalog;
export type TJobPayload<N extends TJobName> = z.infer<(typeof jobCatalog)[N]["payload"]>;
export const jobNames = Object.keys(jobCatalog) as TJobName[];
export const queueNames = [...new Set(Object.values(jobCatalog).map((j) => j.queue))];

/** Jobs that run on a fixed period rather than being enqueued. */
export const repeatingJobs = Object.entries(jobCatalog).flatMap(([name, spec]) =>
  "repeatEveryMs" in spec ? [{ name: name as TJobName, queue: spec.queue, everyMs: spec.repeatEveryMs }] : [],
);

/** BullMQ job ids may not contain ':' and must not be integers. */
export function assertValidJobId(jobId: string): void {
  if (!jobId || jobId.includes(":") || /^\d+$/.test(jobId)) throw new Error(`invalid job id: ${jobId}`);
}
