import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Logger } from "@koi/core/logger";
import { orcaIngest } from "@koi/core/metrics/koi-metrics";
import { createTestOrg } from "@koi/db/factories";
import { prisma } from "@koi/db";
import {
  ingestOrcaWebhook,
  orcaEventId,
  receiveOrcaWebhook,
  unrecognisedOrcaEvents,
  type TOrcaKey,
} from "./ingest-orca-webhook.ts";
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

const now = new Date("2026-03-01T12:00:00.000Z");

async function orgWithKey() {
  const org = await createTestOrg();
  return { org, key: { id: `key_${randomBytes(4).toString("hex")}`, orgId: org.id } };
}

const storedEvent = (key: TOrcaKey, eventId: string) =>
  prisma.engineEvent.findUniqueOrThrow({
    where: { orgId_eventId: { orgId: key.orgId, eventId: `${key.id}:${eventId}` } },
  });

/** An agent registered with `apiKeyId` (null: one written before keys were recorded), holding assignments. */
async function agentOf(orgId: string, apiKeyId: string | null) {
  const { agentId } = await registerAgent(orgId, apiKeyId ?? "key_unrecorded", registration("orca"));
  if (apiKeyId === null) await prisma.agent.update({ where: { id: agentId }, data: { apiKeyId: null } });
  return agentId;
}

const assignmentOn = (orgId: string, agentId: string, engineRef: string | null, state = "launching") =>
  prisma.assignment.create({ data: { orgId, agentId, engineRef, state } });

const stateOf = async (id: string) => (await prisma.assignment.findUniqueOrThrow({ where: { id } })).state;

async function ingestCount(event: string, result: string): Promise<number> {
  const { values } = await orcaIngest.get();
  return values.find((v) => v.labels.event === event && v.labels.result === result)?.value ?? 0;
}

function recordingLogger() {
  const warnings: unknown[][] = [];
  const log = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
  return { log, warnings };
}

const replicaFailed = {
  event_id: "replica_failed:grp-r0",
  event_type: "replica_failed",
  emitted_at: 1764201600.5,
  job_id: "grp-r0",
  replica_id: "grp-r0",
  group_id: "grp",
  decision_id: null,
  instance_type: "p5.48xlarge",
  region: "us-east-1",
  market: "spot",
  status: "failed",
  reason: "Heartbeat timeout (45s)",
  reason_code: "heartbeat_timeout",
  reason_detail: "no heartbeat from replica grp-r0",
};

describe("Orca webhook ingest: the stored event", () => {
  it("is stored under the key's id with its type, reason, detail, engine ref and time, and marked processed", async () => {
    const { org, key } = await orgWithKey();
    const before = Date.now();
    expect(await ingestOrcaWebhook(key, "replica-failed", replicaFailed, now)).toEqual({
      status: "recorded",
      eventId: "replica_failed:grp-r0@1764201600.5",
      httpStatus: 200,
    });
    const row = await storedEvent(key, "replica_failed:grp-r0@1764201600.5");
    expect(row).toMatchObject({
      orgId: org.id,
      agentId: null,
      type: "orca.replica-failed",
      reasonCode: "heartbeat_timeout",
      detail: "Heartbeat timeout (45s)",
      engineRef: "grp",
      at: new Date(1764201600500),
      claimedAt: now,
    });
    expect(row.payload).toEqual(replicaFailed);
    expect(row.processedAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(row.processedAt!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("takes the detail from reason, reason_detail, failure_reason, then message (the first non-empty text), cut at 1000", async () => {
    const { key } = await orgWithKey();
    const cases: [Record<string, unknown>, string | null][] = [
      [{ reason: "r", reason_detail: "d", failure_reason: "f", message: "m" }, "r"],
      [{ reason: "", reason_detail: "d", failure_reason: "f", message: "m" }, "d"],
      [{ reason: 7, reason_detail: "", failure_reason: "f", message: "m" }, "f"],
      [{ reason: null, failure_reason: "", message: "m" }, "m"],
      [{ reason: { text: "r" }, message: 3 }, null],
      [{}, null],
      [{ message: "x".repeat(1500) }, "x".repeat(1000)],
    ];
    for (const [i, [fields, detail]] of cases.entries()) {
      await ingestOrcaWebhook(key, "launch-heartbeat", { event_id: `detail-${i}`, ...fields }, now);
      expect([i, (await storedEvent(key, `detail-${i}`)).detail]).toEqual([i, detail]);
    }
  });

  it("takes the engine ref from group_id, else job_id, cut at 256, and a reason code only when it is text", async () => {
    const { key } = await orgWithKey();
    const cases: [Record<string, unknown>, string | null, string | null][] = [
      [{ group_id: "g", job_id: "j", reason_code: "spot_quota" }, "g", "spot_quota"],
      [{ job_id: "j" }, "j", null],
      [{ group_id: 5, job_id: "j", reason_code: 5 }, "j", null],
      [{ job_id: 5 }, null, null],
      [{ group_id: "g".repeat(300) }, "g".repeat(256), null],
    ];
    for (const [i, [fields, engineRef, reasonCode]] of cases.entries()) {
      await ingestOrcaWebhook(key, "config-attempted", { event_id: `ref-${i}`, ...fields }, now);
      const row = await storedEvent(key, `ref-${i}`);
      expect([i, row.engineRef, row.reasonCode]).toEqual([i, engineRef, reasonCode]);
    }
  });

  it("dates the event by emitted_at (epoch seconds) when it is a plausible time, else by when it arrived", async () => {
    const { key } = await orgWithKey();
    const cases: [unknown, Date][] = [
      [1764201600.25, new Date(1764201600250)],
      [0, new Date(0)],
      [1e11, new Date(1e14)],
      [1e11 + 1, now],
      [-1, now],
      [-0.001, now],
      ["1764201600", now],
      [Number.NaN, now],
      [Number.POSITIVE_INFINITY, now],
      [undefined, now],
    ];
    for (const [i, [emitted, at]] of cases.entries()) {
      const payload = { event_id: `at-${i}`, emitted_at: emitted };
      await ingestOrcaWebhook(key, "launch-heartbeat", payload, now);
      expect([i, (await storedEvent(key, orcaEventId("launch-heartbeat", payload))).at]).toEqual([i, at]);
    }
  });

  it("records a later job's event that reuses an earlier job's Orca id, and still ignores a retry", async () => {
    // Orca's job ids carry 16 random bits per model (`mo-llama70b-a3f7`) and its event ids are
    // built from them, so a later job of the same model can send `job_started:<same replica>`.
    const { key } = await orgWithKey();
    const later = { ...started, emitted_at: started.emitted_at + 86_400 };
    expect((await ingestOrcaWebhook(key, "started", started, now)).status).toBe("recorded");
    expect((await ingestOrcaWebhook(key, "started", later, now)).status).toBe("recorded");
    expect((await ingestOrcaWebhook(key, "started", { ...later }, now)).status).toBe("duplicate_ignored");
  });
});

describe("Orca webhook ingest: what it moves", () => {
  it("moves the key's assignment known by the group id to the event's state; other events move nothing", async () => {
    const { org, key } = await orgWithKey();
    const agentId = await agentOf(org.id, key.id);
    const cases: [string, Record<string, unknown>, string][] = [
      ["launching", {}, "launching"],
      ["started", {}, "running"],
      ["launch-failed", {}, "failed"],
      ["complete", { status: "succeeded" }, "completed"],
      ["complete", { status: "failed" }, "failed"],
      ["started", { status: "failed" }, "running"],
      ["config-attempted", {}, "pending"],
      ["launch-heartbeat", {}, "pending"],
      ["replica-failed", { status: "failed", reason_code: "heartbeat_timeout" }, "pending"],
      ["replica-drained", {}, "pending"],
    ];
    for (const [i, [event, fields, state]] of cases.entries()) {
      const a = await assignmentOn(org.id, agentId, `grp-${i}`, "pending");
      await ingestOrcaWebhook(key, event, { event_id: `move-${i}`, group_id: `grp-${i}`, ...fields }, now);
      expect([i, event, await stateOf(a.id)]).toEqual([i, event, state]);
    }
  });

  it("finds the assignment by job_id when there is no group_id, and by nothing when there is neither", async () => {
    const { org, key } = await orgWithKey();
    const agentId = await agentOf(org.id, key.id);
    const byJob = await assignmentOn(org.id, agentId, "job-1");
    const noRef = await assignmentOn(org.id, agentId, null);
    await ingestOrcaWebhook(key, "started", { event_id: "s-1", job_id: "job-1" }, now);
    await ingestOrcaWebhook(key, "started", { event_id: "s-2" }, now);
    expect([await stateOf(byJob.id), await stateOf(noRef.id)]).toEqual(["running", "launching"]);
  });

  it("leaves finished assignments as they are", async () => {
    const { org, key } = await orgWithKey();
    const agentId = await agentOf(org.id, key.id);
    const finished = await Promise.all(
      ["completed", "failed", "stopped"].map((state) => assignmentOn(org.id, agentId, "grp", state)),
    );
    await ingestOrcaWebhook(key, "started", { event_id: "late", group_id: "grp" }, now);
    expect(await Promise.all(finished.map((a) => stateOf(a.id)))).toEqual(["completed", "failed", "stopped"]);
  });

  it("moves only the assignments of agents registered with the key or with no recorded key, in the key's org", async () => {
    const { org, key } = await orgWithKey();
    const other = await createTestOrg();
    const mine = await assignmentOn(org.id, await agentOf(org.id, key.id), "grp");
    const unkeyed = await assignmentOn(org.id, await agentOf(org.id, null), "grp");
    const otherKeys = await assignmentOn(org.id, await agentOf(org.id, "key_other_cluster"), "grp");
    const otherOrgs = await assignmentOn(other.id, await agentOf(other.id, key.id), "grp");
    await ingestOrcaWebhook(key, "started", { event_id: "s", group_id: "grp" }, now);
    expect(await Promise.all([mine, unkeyed, otherKeys, otherOrgs].map((a) => stateOf(a.id)))).toEqual([
      "running",
      "running",
      "launching",
      "launching",
    ]);
  });
});

describe("Orca webhook ingest: replans", () => {
  async function workloadAssignment(orgId: string, agentId: string, engineRef: string | null) {
    const workload = await prisma.workload.create({
      data: { orgId, name: "batch", kind: "batch", model: "meta-llama/Llama-3.1-8B-Instruct", spec: {} },
    });
    const assignment = await prisma.assignment.create({
      data: { orgId, agentId, workloadId: workload.id, engineRef, state: "running" },
    });
    return { workload, assignment };
  }
  const replans = (orgId: string) =>
    prisma.outboxEvent.findMany({ where: { orgId, jobName: "replan-workload" }, orderBy: { jobId: "asc" } });

  it("a spot preemption queues a replan of the key's live workload assignment, saying why", async () => {
    const { org, key } = await orgWithKey();
    const { workload, assignment } = await workloadAssignment(org.id, await agentOf(org.id, key.id), "grp");
    await workloadAssignment(org.id, await agentOf(org.id, "key_other_cluster"), "grp");
    await ingestOrcaWebhook(
      key,
      "replica-failed",
      { ...replicaFailed, reason_code: "spot_preemption", reason: "Spot instance reclaimed" },
      now,
    );
    expect(await replans(org.id)).toEqual([
      expect.objectContaining({
        jobId: `replan-${assignment.id}-${assignment.epoch}`,
        payload: {
          workloadId: workload.id,
          assignmentId: assignment.id,
          reason: "spot_preemption: Spot instance reclaimed",
        },
      }),
    ]);
    // Orca tells of a preemption; the replan job, not the event, ends the assignment.
    expect(await stateOf(assignment.id)).toBe("running");
  });

  it("says only the reason code when the event has no detail", async () => {
    const { org, key } = await orgWithKey();
    const { assignment } = await workloadAssignment(org.id, await agentOf(org.id, key.id), "grp-9");
    await ingestOrcaWebhook(
      key,
      "replica-failed",
      { event_id: "p", job_id: "grp-9-r0", group_id: "grp-9", reason_code: "spot_preemption" },
      now,
    );
    expect((await replans(org.id)).map((r) => [r.jobId, (r.payload as { reason: string }).reason])).toEqual([
      [`replan-${assignment.id}-1`, "spot_preemption"],
    ]);
  });

  it("another reason code, or a preemption naming no job, queues nothing", async () => {
    const { org, key } = await orgWithKey();
    const agentId = await agentOf(org.id, key.id);
    await workloadAssignment(org.id, agentId, "grp");
    await workloadAssignment(org.id, agentId, null);
    await ingestOrcaWebhook(key, "replica-failed", replicaFailed, now);
    await ingestOrcaWebhook(key, "replica-failed", { event_id: "nameless", reason_code: "spot_preemption" }, now);
    expect(await replans(org.id)).toEqual([]);
    expect((await storedEvent(key, "nameless")).processedAt).not.toBeNull();
  });
});

describe("receiveOrcaWebhook", () => {
  it("takes an event within the contract without a warning", async () => {
    const { key } = await orgWithKey();
    const { log, warnings } = recordingLogger();
    const before = [unrecognisedOrcaEvents(), await ingestCount("started", "recorded")];
    expect(await receiveOrcaWebhook(key, "started", started, log, now)).toEqual({
      status: "recorded",
      eventId: `${started.event_id}@${started.emitted_at}`,
      httpStatus: 200,
    });
    expect(warnings).toEqual([]);
    expect([unrecognisedOrcaEvents(), await ingestCount("started", "recorded")]).toEqual([before[0], before[1]! + 1]);
  });

  it("stores an event it does not know raw, counts it and warns, under the metric label `other`", async () => {
    const { key } = await orgWithKey();
    const { log, warnings } = recordingLogger();
    const before = [unrecognisedOrcaEvents(), await ingestCount("other", "recorded")];
    const body = { event_id: "replica_drained:x", job_id: "x", drained_for: 30 };
    expect(await receiveOrcaWebhook(key, "replica-drained", body, log, now)).toMatchObject({ status: "recorded" });
    expect(warnings).toEqual([
      [
        { event: "replica-drained", unrecognisedTotal: before[0]! + 1, issues: ["unknown event"] },
        "orca event outside Koi's contract: stored raw",
      ],
    ]);
    expect([unrecognisedOrcaEvents(), await ingestCount("other", "recorded")]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
    expect(await storedEvent(key, "replica_drained:x")).toMatchObject({ type: "orca.replica-drained", payload: body });
  });

  it("stores a known event that breaks the contract, and still acts on it; the warning names up to 5 issues", async () => {
    const { org, key } = await orgWithKey();
    const { log, warnings } = recordingLogger();
    const a = await assignmentOn(org.id, await agentOf(org.id, key.id), "grp");
    const before = unrecognisedOrcaEvents();
    const failed = {
      event_id: "launch_failed:grp",
      job_id: "grp",
      decision_id: null,
      configs_tried: [
        {
          gpu_type: "H100",
          instance_type: "p5",
          region: "r",
          market: "spot",
          reason: "r",
          failure_category: "new_cat",
        },
      ],
      failure_reasons: [],
      total_time_seconds: 3,
    };
    expect(await receiveOrcaWebhook(key, "launch-failed", failed, log, now)).toMatchObject({ status: "recorded" });
    expect(await receiveOrcaWebhook(key, "launch-heartbeat", { event_id: "hb" }, log, now)).toMatchObject({
      status: "recorded",
    });

    expect(await stateOf(a.id)).toBe("failed");
    expect(unrecognisedOrcaEvents()).toBe(before + 2);
    expect(warnings).toEqual([
      [
        {
          event: "launch-failed",
          unrecognisedTotal: before + 1,
          issues: [
            'configs_tried.0.failure_category: Invalid option: expected one of "oom"|"no_capacity"|"spot_preemption"|"quota"|"unknown"',
          ],
        },
        "orca event outside Koi's contract: stored raw",
      ],
      [
        {
          event: "launch-heartbeat",
          unrecognisedTotal: before + 2,
          issues: [
            "job_id: Invalid input: expected string, received undefined",
            "decision_id: Invalid input: expected string, received undefined",
            "group_id: Invalid input: expected string, received undefined",
            "gpu_type: Invalid input: expected string, received undefined",
            "instance_type: Invalid input: expected string, received undefined",
          ],
        },
        "orca event outside Koi's contract: stored raw",
      ],
    ]);
    expect((await storedEvent(key, "launch_failed:grp")).payload).toEqual(failed);
  });

  it("wraps a body that is not a JSON object as { body }", async () => {
    const { key } = await orgWithKey();
    const { log, warnings } = recordingLogger();
    for (const body of ["oops", [1, 2], null, 42]) {
      const { eventId } = await receiveOrcaWebhook(key, "complete", body, log, now);
      expect(eventId).toBe(orcaEventId("complete", { body }));
      expect((await storedEvent(key, eventId)).payload).toEqual({ body });
    }
    expect(warnings).toHaveLength(4);
  });

  it("stores text holding U+0000 or half a surrogate pair (which Postgres cannot store) with U+FFFD in its place, rather than failing forever", async () => {
    const { org, key } = await orgWithKey();
    const { log } = recordingLogger();
    const a = await assignmentOn(org.id, await agentOf(org.id, key.id), "grp");
    const body = {
      event_id: "nul\u0000id",
      group_id: "grp",
      status: "failed",
      metrics: { "odd\u0000key": ["a\u0000b", 1, null, true] },
      reason: "stderr: \u0000\ud800",
    };
    const result = await receiveOrcaWebhook(key, "complete", body, log, now);
    expect(result).toEqual({ status: "recorded", eventId: "nul\ufffdid", httpStatus: 200 });
    expect(await storedEvent(key, "nul\ufffdid")).toMatchObject({ detail: "stderr: \ufffd\ufffd", engineRef: "grp" });
    expect((await storedEvent(key, "nul\ufffdid")).payload).toEqual({
      ...body,
      event_id: "nul\ufffdid",
      metrics: { "odd\ufffdkey": ["a\ufffdb", 1, null, true] },
      reason: "stderr: \ufffd\ufffd",
    });
    expect(await stateOf(a.id)).toBe("failed");
  });

  it("counts an ingest that fails as an error, and lets the error through", async () => {
    const before = await ingestCount("started", "error");
    // No such org: the event cannot be stored.
    await expect(
      ingestOrcaWebhook({ id: "key", orgId: "no-such-org" }, "started", { event_id: "e" }, now),
    ).rejects.toThrow();
    expect(await ingestCount("started", "error")).toBe(before + 1);
  });
});

describe("orcaEventId", () => {
  it("is Orca's own id when there is one, cut at 256", () => {
    expect(orcaEventId("started", { event_id: "job_started:x" })).toBe("job_started:x");
    expect(orcaEventId("started", { event_id: "e".repeat(300) })).toBe("e".repeat(256));
  });

  it("is derived from the payload when Orca's id is missing, empty or not text", () => {
    // The id must not change between Koi versions (a redelivery would be stored twice): its exact form is pinned.
    const digest = createHash("sha256").update('{"a":[2,{"b":null,"c":"x"}],"job_id":"j-1"}').digest("hex");
    expect(orcaEventId("launch-failed", { job_id: "j-1", a: [2, { c: "x", b: null }] })).toBe(
      `legacy:launch_failed:j-1:${digest.slice(0, 16)}`,
    );
    const withEmptyId = { event_id: "", job_id: "j" };
    expect(orcaEventId("complete", withEmptyId)).toMatch(/^legacy:complete:j:[0-9a-f]{16}$/);
    expect(orcaEventId("complete", { event_id: 12, job_id: "j" })).toMatch(/^legacy:complete:j:[0-9a-f]{16}$/);
    expect(orcaEventId("replica-drain-started", {})).toMatch(/^legacy:replica_drain_started::[0-9a-f]{16}$/);
    expect(orcaEventId("complete", { job_id: "j", a: [1, 2] })).not.toBe(
      orcaEventId("complete", { job_id: "j", a: [2, 1] }),
    );
  });
});

describe("Orca webhook ingest: a claim left by a crashed handler", () => {
  it("is taken over at exactly 120 s, not a millisecond before", async () => {
    const { org, key } = await orgWithKey();
    const a = await assignmentOn(org.id, await agentOf(org.id, key.id), "grp");
    const payload = { event_id: "job_started:grp", group_id: "grp" };
    await prisma.engineEvent.create({
      data: {
        orgId: org.id,
        eventId: `${key.id}:job_started:grp`,
        type: "orca.started",
        payload,
        at: now,
        claimedAt: now,
      },
    });

    expect(await ingestOrcaWebhook(key, "started", payload, new Date(now.getTime() + 119_999))).toEqual({
      status: "in_flight",
      eventId: "job_started:grp",
      httpStatus: 503,
    });
    expect(await stateOf(a.id)).toBe("launching");
    expect((await storedEvent(key, "job_started:grp")).claimedAt).toEqual(now);

    const later = new Date(now.getTime() + 120_000);
    expect(await ingestOrcaWebhook(key, "started", payload, later)).toMatchObject({ status: "recorded" });
    expect(await stateOf(a.id)).toBe("running");
    expect(await storedEvent(key, "job_started:grp")).toMatchObject({
      claimedAt: later,
      processedAt: expect.any(Date),
    });
    expect(await ingestOrcaWebhook(key, "started", payload, later)).toEqual({
      status: "duplicate_ignored",
      eventId: "job_started:grp",
      httpStatus: 200,
    });
  });
});
