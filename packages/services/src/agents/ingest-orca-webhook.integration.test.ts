import { describe, expect, it } from "vitest";
import { createTestOrg } from "@koi/db/factories";
import { prisma } from "@koi/db";
import { ingestOrcaWebhook, orcaEventId } from "./ingest-orca-webhook.ts";
import { registerAgent } from "./register-agent.ts";
import { registration } from "./test-fixtures.ts";

const started = {
  event_id: "job_started:mo-llama70b-a3f7-r0",
  event_type: "job_started",
  emitted_at: 1764201600.5,
  correlation_id: null,
  job_id: "mo-llama70b-a3f7-r0",
  replica_id: "mo-llama70b-a3f7-r0",
  group_id: "mo-llama70b-a3f7",
  decision_id: "dec-1",
  gpu_type: "H100",
  instance_type: "p5.48xlarge",
  region: "us-east-1",
  market: "spot",
  tp: 4,
  pp: 1,
  dp: 1,
  slo_deadline_hours: 1.9,
  total_tokens: 13_000_000,
  predicted_tps: 4200,
  is_fallback: false,
};

describe("Orca webhook ingest", () => {
  it("moves the assignment along and ignores a redelivery", async () => {
    const org = await createTestOrg();
    const key = { id: "key", orgId: org.id };
    const { agentId } = await registerAgent(org.id, key.id, registration("orca"));
    const a = await prisma.assignment.create({
      data: { orgId: org.id, agentId, engineRef: "mo-llama70b-a3f7", state: "launching" },
    });
    expect(await ingestOrcaWebhook(key, "started", started)).toMatchObject({ status: "recorded", httpStatus: 200 });
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).state).toBe("running");
    expect(await ingestOrcaWebhook(key, "started", started)).toMatchObject({
      status: "duplicate_ignored",
      httpStatus: 200,
    });
    // Unordered delivery: a late `launching` does not reopen a completed job.
    await ingestOrcaWebhook(key, "complete", {
      event_id: "job_complete:mo-llama70b-a3f7",
      job_id: "mo-llama70b-a3f7",
      group_id: "mo-llama70b-a3f7",
      status: "succeeded",
      metrics: {},
    });
    await ingestOrcaWebhook(key, "launching", {
      event_id: "job_launching:mo-llama70b-a3f7-r0:0",
      job_id: "mo-llama70b-a3f7-r0",
      group_id: "mo-llama70b-a3f7",
      decision_id: null,
      gpu_type: "H100",
      instance_type: "p5.48xlarge",
      tp: 4,
      pp: 1,
      region: "us-east-1",
      market: "spot",
      attempt_index: 0,
    });
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).state).toBe("completed");
  });

  it("answers 503 to a duplicate that arrives while the first is in flight", async () => {
    const org = await createTestOrg();
    const key = { id: "key", orgId: org.id };
    const payload = {
      event_id: "replica_failed:x-r0",
      job_id: "x-r0",
      replica_id: "x-r0",
      group_id: "x",
      status: "failed",
      reason: "Heartbeat timeout (45s)",
    };
    await prisma.engineEvent.create({
      data: { orgId: org.id, eventId: "key:replica_failed:x-r0", type: "orca.replica-failed", payload, at: new Date() },
    });
    expect(await ingestOrcaWebhook(key, "replica-failed", payload)).toMatchObject({
      status: "in_flight",
      httpStatus: 503,
    });
    // A claim older than 120 s is taken over.
    expect(await ingestOrcaWebhook(key, "replica-failed", payload, new Date(Date.now() + 121_000))).toMatchObject({
      status: "recorded",
    });
  });

  it("synthesises a stable id when Orca's outbox is off (no envelope)", () => {
    const raw = { job_id: "mo-q-1", group_id: "mo-q-1", status: "succeeded", metrics: { b: 1, a: 2 } };
    expect(orcaEventId("complete", raw)).toBe(
      orcaEventId("complete", { metrics: { a: 2, b: 1 }, status: "succeeded", group_id: "mo-q-1", job_id: "mo-q-1" }),
    );
    expect(orcaEventId("complete", raw)).toMatch(/^legacy:complete:mo-q-1:[0-9a-f]{16}$/);
  });
});
