import { trpcCallDuration, trpcCalls } from "@koi/core/metrics/koi-metrics";

/** One finished procedure call: `code` is "OK" or the tRPC error code the caller received. */
export function recordTrpcCall(procedure: string, type: string, code: string, seconds: number): void {
  trpcCalls.inc({ procedure, type, code });
  trpcCallDuration.observe({ procedure, type }, seconds);
}
