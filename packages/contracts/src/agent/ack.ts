import { z } from "zod";
import { ZEngineRef, ZEpoch, ZId, ZIsoDateTime } from "../primitives.ts";
import { named } from "../registry.ts";

export const ZAckStatus = named(
  "AckStatus",
  z.enum(["accepted", "completed", "rejected", "failed"]),
  "accepted: working on it; completed: done; rejected: will not run it (invalid, stale epoch, lease expired, unsupported); failed: tried and the engine refused or errored.",
);
export type TAckStatus = z.infer<typeof ZAckStatus>;

export const ZAckRequest = named(
  "AckRequest",
  z.strictObject({
    assignmentId: ZId,
    epoch: ZEpoch,
    status: ZAckStatus,
    detail: z.string().max(2000),
    /** Engine-side handle created by the command (Orca job id for deploy). */
    engineRef: ZEngineRef.optional(),
    at: ZIsoDateTime,
  }),
);
export type TAckRequest = z.infer<typeof ZAckRequest>;

export const ZAckResponse = named(
  "AckResponse",
  z.strictObject({
    commandId: ZId,
    status: ZAckStatus,
    /** True when this exact ack (same Idempotency-Key) was already recorded. */
    duplicate: z.boolean(),
  }),
);
export type TAckResponse = z.infer<typeof ZAckResponse>;
