import { createHash } from "node:crypto";
import {
  ORCA_WEBHOOKS,
  orcaEmissionId,
  ZReasonCode,
  type TLifecycleEvent,
  type TOrcaWebhookPath,
  type TReasonCode,
} from "@koi/contracts";
import { findUnsafeJson, toStorableText } from "@koi/contracts/safe-json";

const MAX_PAYLOAD_CHARS = 64 * 1024;
const PER_REPLICA: readonly string[] = ["launch_heartbeat", "launching", "job_started", "replica_failed"];
const FAILURE_CATEGORY_REASON: Record<string, TReasonCode> = {
  no_capacity: "launch_capacity_exhausted",
  quota: "launch_capacity_exhausted",
  oom: "startup_oom",
  spot_preemption: "spot_preemption",
  unknown: "unknown",
};

type TRaw = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value as TRaw)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson((value as TRaw)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Koi v2's id for envelope-less (rollback path) events: stable across Orca's (single) send. */
export function legacyEventId(eventType: string, raw: TRaw): string {
  const hash = createHash("sha256").update(sortedJson(raw)).digest("hex").slice(0, 16);
  return `legacy:${eventType}:${str(raw.job_id) ?? "unknown"}:${hash}`;
}

function reasonFor(eventType: string, raw: TRaw): { reasonCode?: TReasonCode; inferred?: boolean } {
  if (eventType === "replica_failed") {
    const given = ZReasonCode.safeParse(raw.reason_code);
    if (given.success) return { reasonCode: given.data };
    // The watchdog sends only "Heartbeat timeout (45s)"; heartbeat_timeout is what it means.
    if (/heartbeat timeout/i.test(String(raw.reason ?? ""))) return { reasonCode: "heartbeat_timeout", inferred: true };
    return { reasonCode: "unknown", inferred: true };
  }
  if (eventType === "launch_failed" && Array.isArray(raw.configs_tried)) {
    const last = raw.configs_tried[raw.configs_tried.length - 1] as TRaw | undefined;
    return { reasonCode: FAILURE_CATEGORY_REASON[String(last?.failure_category)] ?? "unknown", inferred: true };
  }
  return {};
}

function describe(eventType: string, r: TRaw): string {
  switch (eventType) {
    case "config_attempted":
      return r.launched === true
        ? `attempt ${r.attempt_index}: ${r.instance_type} up in ${r.region} (${r.market}) after ${r.time_to_launch}s`
        : `attempt ${r.attempt_index} on ${r.instance_type} failed: ${r.failure_reason}`;
    case "launch_heartbeat":
      return `${r.phase}: ${r.message}`;
    case "launching":
      return `${r.instance_type} provisioned in ${r.region} (${r.market}), loading the model`;
    case "job_started":
      return `model ready on ${r.gpu_type} tp${r.tp} pp${r.pp}${r.is_fallback === true ? " (fallback config)" : ""}`;
    case "launch_failed":
      return `every replica failed to launch: ${Array.isArray(r.failure_reasons) ? r.failure_reasons.join(" | ") : ""}`;
    case "replica_failed":
      return `${r.reason}${r.reason_detail ? `: ${r.reason_detail}` : ""}`;
    case "job_complete":
      return `job ${r.status}`;
    default:
      return eventType;
  }
}

/**
 * One Orca webhook → a Koi lifecycle event. Never throws: a payload that does not match the
 * contract is still forwarded (raw, with the mismatch in `detail`), because Orca retries a refused
 * event forever and Koi would rather see it than lose it.
 */
export function orcaWebhookToEvent(path: TOrcaWebhookPath, body: unknown, receivedAt: Date): TLifecycleEvent {
  const { eventType, schema } = ORCA_WEBHOOKS[path];
  // Koi refuses text Postgres cannot store (a NUL or half a surrogate pair, say in a stderr
  // excerpt), and a refused event would be lost after Orca was told 2xx: stored as U+FFFD instead.
  const storable = toStorableText(body);
  const raw: TRaw =
    storable && typeof storable === "object" && !Array.isArray(storable) ? (storable as TRaw) : { value: storable };
  const parsed = schema.safeParse(raw);
  const candidate =
    typeof raw.emitted_at === "number" ? raw.emitted_at : typeof raw.timestamp === "number" ? raw.timestamp : undefined;
  // Dates outside ±10^8 days make toISOString throw; such a stamp is garbage, so use the arrival time.
  const emitted =
    candidate !== undefined && Number.isFinite(candidate) && Math.abs(candidate) < 8.64e12 ? candidate : undefined;
  const jobId = str(raw.job_id);
  const perReplica = PER_REPLICA.includes(eventType) && str(raw.group_id) !== undefined;
  const mismatch = parsed.success
    ? ""
    : `payload does not match the Orca contract (${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}); `;
  const payloadText = JSON.stringify(raw);
  const { reasonCode, inferred } = reasonFor(eventType, raw);
  return {
    eventId: orcaEmissionId(str(raw.event_id) ?? legacyEventId(eventType, raw), raw.emitted_at),
    at: new Date(emitted !== undefined ? emitted * 1000 : receivedAt.getTime()).toISOString(),
    type: eventType,
    ...(reasonCode ? { reasonCode } : {}),
    ...(inferred ? { reasonCodeInferred: true } : {}),
    detail: `${mismatch}${describe(eventType, raw)}`.slice(0, 2000),
    engineRef: (perReplica ? str(raw.group_id) : jobId)?.slice(0, 256) ?? null,
    ...(perReplica && jobId ? { replicaId: jobId.slice(0, 256) } : {}),
    source: "orca-webhook",
    // A payload Koi would refuse whole (numbers past ±2^53, nesting past its depth) is left out.
    ...(payloadText.length <= MAX_PAYLOAD_CHARS && findUnsafeJson(raw) === null ? { payload: raw } : {}),
  };
}
