import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyCache } from "@koi/auth/api-keys/api-key-cache";
import { commandWakeups } from "@koi/services/agents/command-wakeups";
import { prisma } from "@koi/db";
import { call, createTenants, handlers } from "./api-v1-harness.ts";

let t: Awaited<ReturnType<typeof createTenants>>;
beforeAll(async () => {
  t = await createTenants();
});
afterAll(async () => {
  await commandWakeups().stop();
  await apiKeyCache().stop();
});

const heartbeat = (eventId: string, phase: string) => ({
  event_id: eventId,
  event_type: "launch_heartbeat",
  emitted_at: 1764201600,
  job_id: "mo-new-r0",
  decision_id: null,
  group_id: "mo-new",
  gpu_type: "H100",
  instance_type: "p5.48xlarge",
  tp: 4,
  pp: 1,
  region: "us-east-1",
  market: "spot",
  attempt_index: 0,
  phase,
  message: "loading",
  timestamp: 1764201600,
});

const send = (event: string, body: unknown) =>
  call(handlers.orca, { params: { event }, body, key: t.engineA.secret, basic: true });

describe("Orca ingest tolerates what a newer Orca sends (it retries every non-2xx forever)", () => {
  it("a new enum value (phase loading_weights) is 200 and stored raw", async () => {
    const id = `launch_heartbeat:${Date.now()}`;
    const res = await send("launch-heartbeat", heartbeat(id, "loading_weights"));
    expect(res.status).toBe(200);
    // Stored under the sending key (Orca's ids are deduplicated per key) and the time Orca enqueued it.
    const row = await prisma.engineEvent.findUniqueOrThrow({
      where: { orgId_eventId: { orgId: t.orgA.id, eventId: `${t.engineA.id}:${id}@1764201600` } },
    });
    expect(row.payload).toMatchObject({ phase: "loading_weights" });
  });

  it("a new failure_category, a new event type and a body of the wrong shape are 200 too", async () => {
    const failed = await send("launch-failed", {
      event_id: `launch_failed:${Date.now()}`,
      job_id: "mo-new",
      decision_id: null,
      configs_tried: [
        {
          gpu_type: "H100",
          instance_type: "p5",
          region: "r",
          market: "spot",
          reason: "x",
          failure_category: "gpu_fell_off_bus",
        },
      ],
      failure_reasons: ["x"],
      total_time_seconds: 3,
    });
    expect(failed.status).toBe(200);
    expect((await send("weights-loaded", { event_id: `new:${Date.now()}`, job_id: "mo-new" })).status).toBe(200);
    expect((await send("complete", [1, 2, 3])).status).toBe(200);
    expect((await send("complete", { emitted_at: 1e15, job_id: 42 })).status).toBe(200);
  });

  it("text Postgres cannot hold and numbers beyond 2^53 are 200 as well: stored with U+FFFD, numbers as sent", async () => {
    const id = `odd:${Date.now()}`;
    // JSON.stringify cannot write these (a lone surrogate, 1e400), so the body is written by hand.
    const rawBody = `{"event_id":"${id}","job_id":"mo-\\u0000x","reason":"stderr \\ud800 tail","metrics":{"k\\u0000":1e400,"big":18014398509481984}}`;
    const res = await call(handlers.orca, {
      params: { event: "complete" },
      rawBody,
      key: t.engineA.secret,
      basic: true,
    });
    expect(res.status).toBe(200);
    const row = await prisma.engineEvent.findUniqueOrThrow({
      where: { orgId_eventId: { orgId: t.orgA.id, eventId: `${t.engineA.id}:${id}` } },
    });
    expect(row.detail).toBe("stderr \ufffd tail");
    expect(row.payload).toEqual({
      event_id: id,
      job_id: "mo-\ufffdx",
      reason: "stderr \ufffd tail",
      metrics: { "k\ufffd": null, big: 18014398509481984 },
    });
  });

  it("still refuses what is not JSON, or no key", async () => {
    expect(
      (await call(handlers.orca, { params: { event: "complete" }, rawBody: "{nope", key: t.engineA.secret })).status,
    ).toBe(400);
    expect((await call(handlers.orca, { params: { event: "complete" }, body: {}, key: null })).status).toBe(401);
  });
});
