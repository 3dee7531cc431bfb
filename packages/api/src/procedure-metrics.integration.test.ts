import { metricsRegistry } from "@koi/core/metrics/metrics-registry";
import { trpcCallDuration, trpcCalls } from "@koi/core/metrics/koi-metrics";
import { describe, expect, it } from "vitest";
import { callerAs, postTrpc } from "./test-callers.ts";

async function calls(labels: { procedure: string; type: string; code: string }): Promise<number> {
  const { values } = await trpcCalls.get();
  const same = (v: (typeof values)[number]) =>
    v.labels.procedure === labels.procedure && v.labels.type === labels.type && v.labels.code === labels.code;
  return values.find(same)?.value ?? 0;
}

describe("tRPC procedure metrics", () => {
  it("count each call by procedure, type and the code the caller received, and time it", async () => {
    const unauthorized = { procedure: "apiKeys.list", type: "query", code: "UNAUTHORIZED" };
    const badInput = { procedure: "waitlist.confirm", type: "mutation", code: "BAD_REQUEST" };
    const before = [await calls(unauthorized), await calls(badInput)];

    await expect(callerAs(null).apiKeys.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect((await postTrpc("waitlist.confirm", { token: 42 })).status).toBe(400);

    expect(await calls(unauthorized)).toBe(before[0]! + 1);
    expect(await calls(badInput)).toBe(before[1]! + 1);
    const timed = (await trpcCallDuration.get()).values.find(
      (v) => v.metricName === "koi_trpc_call_duration_seconds_count" && v.labels.procedure === "apiKeys.list",
    );
    expect(timed?.value).toBeGreaterThanOrEqual(1);
    expect(await metricsRegistry().metrics()).toContain(
      'koi_trpc_calls_total{procedure="apiKeys.list",type="query",code="UNAUTHORIZED"}',
    );
  });
});
