import { z } from "zod";
import { named } from "./registry.ts";

/** Koi-issued identifiers (agent, assignment, command, decision): prefixed, URL-safe, bounded. */
export const ZId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, {
    error: "must be letters, digits and . _ : - (starting with a letter or digit)",
  });

/** Latest instant Postgres and every client parse alike: the end of year 9999, UTC. */
const LAST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Times in the Koi protocol are ISO-8601 strings (Orca's own payloads keep epoch seconds), from 1970
 * to 9999: an offset may move year 0001 into year 0, which Postgres refuses.
 */
export const ZIsoDateTime = z.iso.datetime({ offset: true }).refine(
  (v) => {
    const ms = Date.parse(v);
    // Not a time at all is the format check's to report.
    return Number.isNaN(ms) || (ms >= 0 && ms <= LAST_INSTANT_MS);
  },
  { error: "must be a time between 1970 and 9999" },
);

/** Largest value of a Postgres integer column (sequence numbers, request counts per report). */
export const INT4_MAX = 2_147_483_647;

/** Fencing token: goes up every time an assignment is (re)claimed; stale writers get 409. */
export const ZEpoch = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const ZEngineKind = named("EngineKind", z.enum(["orca", "tuna", "sim"]));
export type TEngineKind = z.infer<typeof ZEngineKind>;

/** Same values as the planner's market enum, so inventory feeds the optimiser unchanged. */
export const ZMarket = named("Market", z.enum(["on-demand", "spot", "reserved", "on-prem", "serverless"]));
export type TMarket = z.infer<typeof ZMarket>;

/** A Koi catalog GPU name (H100-SXM, A100-80GB, L40S…); the agent maps engine names to these. */
export const ZGpuType = z.string().min(1).max(64);

/** Engine-side identifier: an Orca job or replica id, or a Tuna service. */
export const ZEngineRef = z.string().min(1).max(256);

/**
 * Orca's `ReasonCode` (ENGINE_CONTRACTS A.3), used for every lifecycle event whatever the engine.
 * Several values are defined by Orca but never emitted by it; the agent infers `heartbeat_timeout`
 * from the watchdog's free text.
 */
export const ZReasonCode = named(
  "ReasonCode",
  z.enum([
    "heartbeat_timeout",
    "clean_exit_pending_chunks",
    "log_stream_error",
    "spot_preemption",
    "launch_capacity_exhausted",
    "monitor_thread_exited",
    "koi_initiated_kill",
    "model_load_timeout",
    "startup_oom",
    "startup_crash",
    "unknown",
  ]),
);
export type TReasonCode = z.infer<typeof ZReasonCode>;

export const ZAssignmentState = named(
  "AssignmentState",
  z.enum(["deploying", "running", "paused", "stopping", "completed", "failed", "stopped", "lost"]),
  "completed, failed and stopped are terminal.",
);
export type TAssignmentState = z.infer<typeof ZAssignmentState>;

/** The engine job finished for good: a late engine event never reopens it. */
export const TERMINAL_ASSIGNMENT_STATES: readonly TAssignmentState[] = ["completed", "failed", "stopped"];
/** No engine job runs for it: terminal, or lost (its agent no longer knows the job). */
export const ENDED_ASSIGNMENT_STATES: readonly TAssignmentState[] = [...TERMINAL_ASSIGNMENT_STATES, "lost"];
/** Holds no GPUs: ended, or paused (Orca's pause kills every replica). */
export const GPU_FREE_ASSIGNMENT_STATES: readonly TAssignmentState[] = [...ENDED_ASSIGNMENT_STATES, "paused"];

/** For states read back from the database, where the column is free text. */
export function isEndedAssignmentState(state: string): boolean {
  return (ENDED_ASSIGNMENT_STATES as readonly string[]).includes(state);
}

/** Tensor parallelism Orca accepts (`tp_size` ∈ 1, 2, 4, 8). */
export const ZTensorParallel = z.literal([1, 2, 4, 8]);
export const ZPipelineParallel = z.number().int().min(1).max(8);
