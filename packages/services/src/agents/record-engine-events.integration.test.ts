import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { commandWakeups } from "./command-wakeups.ts";
import { recordEngineEvents, type TEngineEvent } from "./record-engine-events.ts";
import { registerAgent } from "./register-agent.ts";
import { agentWithAssignment, registration } from "./test-fixtures.ts";
import { deployedWorkload, dropOutboxRows, h100Pool, orgWithAgent } from "../workloads/test-fixtures.ts";

// recordEngineEvents called directly: what it stores, and which events ask for a replan.

afterAll(async () => {
  await commandWakeups().stop();
  await dropOutboxRows();
});

const at = new Date("2026-03-01T12:00:00.000Z");
const event = (over: Partial<TEngineEvent> = {}): TEngineEvent => ({
  eventId: `ev-${randomUUID()}`,
  at: at.toISOString(),
  type: "replica_failed",
  ...over,
});

/** An org whose agent runs two deployed workloads (engine refs `orca-<workload id>`). */
async function twoWorkloads() {
  const { org, agentId } = await orgWithAgent([h100Pool(64)]);
  const one = await deployedWorkload(org.id, agentId);
  const two = await deployedWorkload(org.id, agentId);
  return { org, agentId, one, two };
}
const replans = (orgId: string) =>
  prisma.outboxEvent.findMany({ where: { orgId, jobName: "replan-workload" }, orderBy: { createdAt: "asc" } });

describe("recordEngineEvents", () => {
  it("stores each event's fields, null where the engine sent none", async () => {
    const { org, agentId } = await agentWithAssignment();
    const full = event({
      type: "replica_failed",
      reasonCode: "oom",
      detail: "replica 2 ran out of memory",
      engineRef: "job-7",
      payload: { replica: 2 },
    });
    const bare = event({ type: "job_started" });
    await expect(recordEngineEvents(org.id, agentId, [full, bare])).resolves.toEqual({ accepted: 2, duplicates: 0 });
    expect(
      await prisma.engineEvent.findUniqueOrThrow({
        where: { orgId_eventId: { orgId: org.id, eventId: `${agentId}:${full.eventId}` } },
      }),
    ).toMatchObject({
      agentId,
      type: "replica_failed",
      reasonCode: "oom",
      detail: "replica 2 ran out of memory",
      engineRef: "job-7",
      payload: { replica: 2 },
      at,
    });
    expect(
      await prisma.engineEvent.findUniqueOrThrow({
        where: { orgId_eventId: { orgId: org.id, eventId: `${agentId}:${bare.eventId}` } },
      }),
    ).toMatchObject({
      type: "job_started",
      reasonCode: null,
      detail: null,
      engineRef: null,
      payload: {},
    });
    expect(await replans(org.id)).toEqual([]);
  });

  it("deduplicates per agent: another agent of the org sending an event id first does not make this one's a duplicate", async () => {
    const { org, agentId } = await twoWorkloads();
    const { agentId: otherAgent } = await registerAgent(org.id, "key_other", registration("orca"));
    const shared = event({ type: "replica_failed", detail: "forged" });
    expect(await recordEngineEvents(org.id, otherAgent, [shared])).toEqual({ accepted: 1, duplicates: 0 });
    expect(await recordEngineEvents(org.id, agentId, [{ ...shared, detail: "real" }])).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    expect(await recordEngineEvents(org.id, agentId, [shared])).toEqual({ accepted: 0, duplicates: 1 });
  });

  it("a spot preemption of a job asks for a replan of that job's assignment only, saying why", async () => {
    const { org, agentId, one, two } = await twoWorkloads();
    await recordEngineEvents(org.id, agentId, [
      event({ reasonCode: "spot_preemption", detail: "zone reclaimed", engineRef: `orca-${one.workload.id}` }),
    ]);
    expect(await replans(org.id)).toMatchObject([
      {
        jobId: `replan-${one.assignment.id}-${one.assignment.epoch}`,
        payload: {
          workloadId: one.workload.id,
          reason: "spot_preemption: zone reclaimed",
          assignmentId: one.assignment.id,
        },
      },
    ]);
    // Without a detail the reason is the code alone.
    await recordEngineEvents(org.id, agentId, [
      event({ reasonCode: "spot_preemption", engineRef: `orca-${two.workload.id}` }),
    ]);
    expect((await replans(org.id))[1]).toMatchObject({
      jobId: `replan-${two.assignment.id}-${two.assignment.epoch}`,
      payload: { workloadId: two.workload.id, reason: "spot_preemption", assignmentId: two.assignment.id },
    });
  });

  it("another agent's job with that engine ref is not replanned", async () => {
    const { org, one } = await twoWorkloads();
    const other = await orgWithAgent([h100Pool(64)]);
    await recordEngineEvents(other.org.id, other.agentId, [
      event({ reasonCode: "spot_preemption", engineRef: `orca-${one.workload.id}` }),
    ]);
    expect(await replans(org.id)).toEqual([]);
    expect(await replans(other.org.id)).toEqual([]);
  });

  it("no replan for another reason code, nor for a preemption without an engine ref", async () => {
    const { org, agentId, one } = await twoWorkloads();
    await recordEngineEvents(org.id, agentId, [
      event({ reasonCode: "oom", detail: "replica 1", engineRef: `orca-${one.workload.id}` }),
      event({ reasonCode: "spot_preemption", detail: "zone reclaimed" }),
      event({ engineRef: `orca-${one.workload.id}` }),
    ]);
    expect(await replans(org.id)).toEqual([]);
  });
});
