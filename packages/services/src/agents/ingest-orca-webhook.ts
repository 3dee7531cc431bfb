import { createHash } from "node:crypto";
import { ORCA_WEBHOOKS, orcaEmissionId, type TOrcaWebhookPath } from "@koi/contracts/orca/webhooks";
import { TERMINAL_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { toStorableText } from "@koi/contracts/safe-json";
import type { Logger } from "@koi/core/logger";
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

/** Event names Koi stores even when it does not know them: a later Orca may add some. */
export const ORCA_EVENT_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

let unrecognisedTotal = 0;
/** Orca events stored raw because they fell outside Koi's contract, since this process started. */
export const unrecognisedOrcaEvents = () => unrecognisedTotal;

/**
 * Orca retries every non-2xx forever (ENGINE_CONTRACTS A.1): an event Koi refused — a new `phase`
 * or `failure_category`, a new event type — would wedge Orca's outbox. So any authenticated JSON is
 * taken: checked against the contract, and when it does not match (or the event is new) stored raw,
 * logged and counted instead of refused. The ingest itself reads every field defensively.
 */
export async function receiveOrcaWebhook(
  key: TOrcaKey,
  event: string,
  body: unknown,
  log: Logger,
  now = new Date(),
): Promise<TOrcaIngestResult> {
  const payload =
    body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : { body };
  const contract = (orcaWebhookEvents as readonly string[]).includes(event)
    ? ORCA_WEBHOOKS[`/job/${event}` as TOrcaWebhookPath].schema
    : null;
  const checked = contract?.safeParse(body);
  if (!checked?.success) {
    unrecognisedTotal++;
    log.warn(
      {
        event,
        unrecognisedTotal,
        issues: checked?.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`) ?? ["unknown event"],
      },
      "orca event outside Koi's contract: stored raw",
    );
  }
  return ingestOrcaWebhook(key, event, payload, now);
}

/** Orca's epoch seconds as a Date, when they are a plausible time (else `fallback`). */
function epochSecondsToDate(value: unknown, fallback: Date): Date {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1e11) return fallback;
  return new Date(value * 1000);
}

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
export function orcaEventId(event: string, payload: Record<string, unknown>): string {
  if (typeof payload.event_id === "string" && payload.event_id)
    return orcaEmissionId(payload.event_id, payload.emitted_at);
  const digest = createHash("sha256").update(stableJson(payload)).digest("hex").slice(0, 16);
  return `legacy:${event.replace(/-/g, "_")}:${String(payload.job_id ?? "")}:${digest}`;
}

/** The engine key Orca sent with the event: it scopes the event's dedup and its effects. */
export type TOrcaKey = { id: string; orgId: string };

export type TOrcaIngestResult =
  | { status: "recorded" | "duplicate_ignored"; eventId: string; httpStatus: 200 }
  | { status: "in_flight"; eventId: string; httpStatus: 503 };

/**
 * Orca retries every non-2xx forever and does not order events, so: dedup by event id; a
 * duplicate that arrives while the first copy is still being handled gets 503 (Orca retries
 * it later) and one that arrives after gets 200 `duplicate_ignored`.
 */
export async function ingestOrcaWebhook(
  key: TOrcaKey,
  event: string,
  payload: Record<string, unknown>,
  now = new Date(),
): Promise<TOrcaIngestResult> {
  // Event names Orca may add later are stored, but counted as "other": a label per free-text name
  // would let any sender grow the metric without bound.
  const label = (orcaWebhookEvents as readonly string[]).includes(event) ? event : "other";
  try {
    // A NUL or half a surrogate pair (in a stderr excerpt, say) cannot go into Postgres, and an
    // event refused is retried forever: stored as U+FFFD instead.
    const result = await ingestOnce(key, event, toStorableText(payload) as Record<string, unknown>, now);
    orcaIngest.inc({ event: label, result: result.status });
    return result;
  } catch (err) {
    orcaIngest.inc({ event: label, result: "error" });
    throw err;
  }
}

async function ingestOnce(
  key: TOrcaKey,
  event: string,
  payload: Record<string, unknown>,
  now: Date,
): Promise<TOrcaIngestResult> {
  const { orgId } = key;
  const eventId = orcaEventId(event, payload);
  // Orca's event ids are predictable (`job_started:<job id>`): deduplicated per key, so one
  // cluster's key cannot claim an id first and have another cluster's real event ignored.
  const storedId = `${key.id}:${eventId}`;
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
        eventId: storedId,
        type: `orca.${event}`,
        reasonCode,
        detail: detail?.slice(0, 1000) ?? null,
        engineRef: groupId?.slice(0, 256) ?? null,
        payload: payload as Prisma.InputJsonValue,
        at: epochSecondsToDate(payload.emitted_at, now),
        claimedAt: now,
      },
    ],
    skipDuplicates: true,
  });
  if (claimed.count === 0) {
    const existing = await prisma.engineEvent.findUniqueOrThrow({
      where: { orgId_eventId: { orgId, eventId: storedId } },
    });
    if (existing.processedAt) return { status: "duplicate_ignored", eventId, httpStatus: 200 };
    if (now.getTime() - existing.claimedAt.getTime() < RECLAIM_AFTER_MS)
      return { status: "in_flight", eventId, httpStatus: 503 };
    await prisma.engineEvent.update({ where: { id: existing.id }, data: { claimedAt: now } });
  }
  await applyOrcaEvent(key, event, groupId, payload);
  await prisma.$transaction(async (tx) => {
    if (reasonCode && REPLAN_REASON_CODES.has(reasonCode) && groupId) {
      await enqueueReplans(tx, keysAssignments(key, groupId), `${reasonCode}${detail ? `: ${detail}` : ""}`);
    }
    await tx.engineEvent.update({
      where: { orgId_eventId: { orgId, eventId: storedId } },
      data: { processedAt: new Date() },
    });
  });
  return { status: "recorded", eventId, httpStatus: 200 };
}

const STATE_BY_EVENT: Partial<Record<string, string>> = {
  launching: "launching",
  started: "running",
  "launch-failed": "failed",
  complete: "completed",
};

/**
 * The assignments Orca knows as `groupId` that this key may speak for: those of agents registered
 * with it (key-acts-for.ts holds the same rule for the agent routes), or with no recorded key.
 */
function keysAssignments(key: TOrcaKey, groupId: string): Prisma.AssignmentWhereInput {
  return { orgId: key.orgId, engineRef: groupId, agent: { OR: [{ apiKeyId: key.id }, { apiKeyId: null }] } };
}

/** Moves the assignment that Orca knows as `groupId` along; unknown jobs are only recorded. */
async function applyOrcaEvent(key: TOrcaKey, event: string, groupId: string | null, payload: Record<string, unknown>) {
  const state = STATE_BY_EVENT[event];
  if (!state || !groupId) return;
  const finalState = event === "complete" && payload.status === "failed" ? "failed" : state;
  // Terminal states stick: a late `launching` must not reopen a completed job.
  await prisma.assignment.updateMany({
    where: { ...keysAssignments(key, groupId), state: { notIn: [...TERMINAL_ASSIGNMENT_STATES] } },
    data: { state: finalState },
  });
}
