import { TERMINAL_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { createHash } from "node:crypto";
import { orcaIngest } from "@koi/core/metrics/koi-metrics";
import { prisma, type Prisma } from "@koi/db";
import { enqueueReplans } from "../workloads/replan-workload.ts";
import { REPLAN_REASON_CODES } from "./record-engine-events.ts";

export const orcaWebhookEvents = [
  "config-attempted",
  "launching",
  "launch-heartbeat",
  "started",
  "launch-failed",
  "replica-failed",
  "complete",
] as const;
export type TOrcaWebhookEvent = (typeof orcaWebhookEvents)[number];

// A claim older than this is presumed dead (its handler crashed) and is taken over.
const RECLAIM_AFTER_MS = 120_000;

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Orca's own id when it sent one; otherwise (outbox disabled) a stable id from the payload, as Koi v2 did. */
export function orcaEventId(event: TOrcaWebhookEvent, payload: Record<string, unknown>): string {
  if (typeof payload.event_id === "string" && payload.event_id) return payload.event_id;
  const digest = createHash("sha256").update(stableJson(payload)).digest("hex").slice(0, 16);
  return `legacy:${event.replace(/-/g, "_")}:${String(payload.job_id ?? "")}:${digest}`;
}

export type TOrcaIngestResult =
  | { status: "recorded" | "duplicate_ignored"; eventId: string; httpStatus: 200 }
  | { status: "in_flight"; eventId: string; httpStatus: 503 };

/**
 * Orca retries every non-2xx forever and does not order events, so: dedup by event id; a
 * duplicate that arrives while the first copy is still being handled gets 503 (Orca retries
 * it later) and one that arrives after gets 200 `duplicate_ignored`.
 */
export async function ingestOrcaWebhook(
  orgId: string,
  event: TOrcaWebhookEvent,
  payload: Record<string, unknown>,
  now = new Date(),
): Promise<TOrcaIngestResult> {
  try {
    const result = await ingestOnce(orgId, event, payload, now);
    orcaIngest.inc({ event, result: result.status });
    return result;
  } catch (err) {
    orcaIngest.inc({ event, result: "error" });
    throw err;
  }
}

async function ingestOnce(
  orgId: string,
  event: TOrcaWebhookEvent,
  payload: Record<string, unknown>,
  now: Date,
): Promise<TOrcaIngestResult> {
  const eventId = orcaEventId(event, payload);
  const jobId = typeof payload.job_id === "string" ? payload.job_id : null;
  const groupId = typeof payload.group_id === "string" ? payload.group_id : jobId;
  const reasonCode = typeof payload.reason_code === "string" ? payload.reason_code : null;
  const detail = [payload.reason, payload.reason_detail, payload.failure_reason, payload.message].find(
    (v) => typeof v === "string" && v,
  ) as string | undefined;

  const claimed = await prisma.engineEvent.createMany({
    data: [
      {
        orgId,
        eventId,
        type: `orca.${event}`,
        reasonCode,
        detail: detail?.slice(0, 1000) ?? null,
        engineRef: groupId,
        payload: payload as Prisma.InputJsonValue,
        at: typeof payload.emitted_at === "number" ? new Date(payload.emitted_at * 1000) : now,
        claimedAt: now,
      },
    ],
    skipDuplicates: true,
  });
  if (claimed.count === 0) {
    const existing = await prisma.engineEvent.findUniqueOrThrow({ where: { orgId_eventId: { orgId, eventId } } });
    if (existing.processedAt) return { status: "duplicate_ignored", eventId, httpStatus: 200 };
    if (now.getTime() - existing.claimedAt.getTime() < RECLAIM_AFTER_MS)
      return { status: "in_flight", eventId, httpStatus: 503 };
    await prisma.engineEvent.update({ where: { id: existing.id }, data: { claimedAt: now } });
  }
  await applyOrcaEvent(orgId, event, groupId, payload);
  await prisma.$transaction(async (tx) => {
    if (reasonCode && REPLAN_REASON_CODES.has(reasonCode) && groupId) {
      await enqueueReplans(tx, { orgId, engineRef: groupId }, `${reasonCode}${detail ? `: ${detail}` : ""}`);
    }
    await tx.engineEvent.update({ where: { orgId_eventId: { orgId, eventId } }, data: { processedAt: new Date() } });
  });
  return { status: "recorded", eventId, httpStatus: 200 };
}

const STATE_BY_EVENT: Partial<Record<TOrcaWebhookEvent, string>> = {
  launching: "launching",
  started: "running",
  "launch-failed": "failed",
  complete: "completed",
};

/** Moves the assignment that Orca knows as `groupId` along; unknown jobs are only recorded. */
async function applyOrcaEvent(
  orgId: string,
  event: TOrcaWebhookEvent,
  groupId: string | null,
  payload: Record<string, unknown>,
) {
  const state = STATE_BY_EVENT[event];
  if (!state || !groupId) return;
  const finalState = event === "complete" && payload.status === "failed" ? "failed" : state;
  // Terminal states stick: a late `launching` must not reopen a completed job.
  await prisma.assignment.updateMany({
    where: { orgId, engineRef: groupId, state: { notIn: [...TERMINAL_ASSIGNMENT_STATES] } },
    data: { state: finalState },
  });
}
