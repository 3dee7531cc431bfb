import { z } from "zod";
import { ZEngineRef, ZEpoch, ZId, ZIsoDateTime, ZReasonCode } from "../primitives.ts";
import { named } from "../registry.ts";

/** Orca's seven webhook labels (A.2 `event_type`) plus what the agent itself observes. */
export const ZLifecycleEventType = named(
  "LifecycleEventType",
  z.enum([
    "config_attempted",
    "launch_heartbeat",
    "launching",
    "job_started",
    "launch_failed",
    "replica_failed",
    "job_complete",
    "engine_unreachable",
    "engine_recovered",
    "spot_state_changed",
    /** Tuna: the router's spot traffic moved to another SkyServe service (GPU type), or a move was given up. */
    "variant_switched",
    "assignment_lost",
  ]),
);
export type TLifecycleEventType = z.infer<typeof ZLifecycleEventType>;

const MAX_PAYLOAD_CHARS = 64 * 1024;

export const ZLifecycleEvent = named(
  "LifecycleEvent",
  z.strictObject({
    /** Orca's envelope `event_id` when there is one; deduplicated by the server. */
    eventId: z.string().min(1).max(256),
    at: ZIsoDateTime,
    type: ZLifecycleEventType,
    reasonCode: ZReasonCode.optional(),
    /** True when the agent derived reasonCode (e.g. from the watchdog's "Heartbeat timeout" text). */
    reasonCodeInferred: z.boolean().optional(),
    detail: z.string().max(2000),
    /** Parent engine object (Orca job id, Tuna router); null when unknown. */
    engineRef: ZEngineRef.nullable(),
    replicaId: ZEngineRef.optional(),
    /** Set when the agent can tie the event to an assignment it holds. */
    assignmentId: ZId.optional(),
    epoch: ZEpoch.optional(),
    source: z.enum(["orca-webhook", "agent"]),
    /** The engine's payload exactly as received (unknown fields included), for audit and replay. */
    payload: z
      .record(z.string().max(256), z.unknown())
      .refine((p) => JSON.stringify(p).length <= MAX_PAYLOAD_CHARS, {
        error: `payload must be at most ${MAX_PAYLOAD_CHARS} characters of JSON`,
      })
      .optional(),
  }),
);
export type TLifecycleEvent = z.infer<typeof ZLifecycleEvent>;

export const ZEventsRequest = named(
  "EventsRequest",
  z.strictObject({ events: z.array(ZLifecycleEvent).min(1).max(100) }),
);
export type TEventsRequest = z.infer<typeof ZEventsRequest>;

export const ZEventsResponse = named(
  "EventsResponse",
  z.strictObject({ accepted: z.number().int().min(0), duplicates: z.number().int().min(0) }),
);
export type TEventsResponse = z.infer<typeof ZEventsResponse>;
