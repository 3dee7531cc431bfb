import { afterAll, describe, expect, it } from "vitest";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import { createTestOrg } from "@koi/db/factories";
import { prisma } from "@koi/db";
import { ackCommand } from "./ack-command.ts";
import { commandWakeups } from "./command-wakeups.ts";
import { issueCommand } from "./issue-command.ts";
import { claimCommands, pollCommands } from "./lease-commands.ts";
import { recordEngineEvents } from "./record-engine-events.ts";
import { recordHeartbeat } from "./record-heartbeat.ts";
import { recordReport } from "./record-report.ts";
import { agentWithAssignment } from "./test-fixtures.ts";

afterAll(async () => {
  await commandWakeups().stop();
});

const pools: TGpuPool[] = [
  {
    id: "h100-od",
    gpuType: "H100-SXM",
    market: "on-demand",
    total: 16,
    available: 8,
    quota: 16,
    pricePerGpuHour: 6.88,
  },
  { id: "a100-spot", gpuType: "A100-80GB", market: "spot", total: 8, available: 8, quota: null, pricePerGpuHour: 1.1 },
];

describe("agent protocol services", () => {
  it("heartbeat writes pools once per distinct inventory and reports stale assignments", async () => {
    const { org, agentId, assignment } = await agentWithAssignment();
    await recordHeartbeat(org.id, agentId, { inventory: { pools }, assignments: [] });
    expect(await prisma.gpuPool.count({ where: { agentId } })).toBe(2);
    await prisma.assignment.update({ where: { id: assignment.id }, data: { epoch: 3 } });
    const res = await recordHeartbeat(org.id, agentId, {
      inventory: { pools: pools.slice(0, 1) },
      assignments: [{ assignmentId: assignment.id, epoch: 2, state: "running", engineRef: null }],
    });
    expect(await prisma.gpuPool.count({ where: { agentId } })).toBe(1);
    expect(res.revokedAssignments).toEqual([{ assignmentId: assignment.id, epoch: 2 }]);
  });

  it("another org's agent is NOT_FOUND everywhere", async () => {
    const { agentId } = await agentWithAssignment();
    const other = await createTestOrg();
    await expect(recordHeartbeat(other.id, agentId, { inventory: { pools }, assignments: [] })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(pollCommands(other.id, agentId, 0)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(recordEngineEvents(other.id, agentId, [])).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await prisma.gpuPool.count({ where: { agentId } })).toBe(0);
  });

  it("a long-poll is woken within milliseconds when a command is written", async () => {
    const { org, agentId, assignment } = await agentWithAssignment();
    const started = Date.now();
    const poll = pollCommands(org.id, agentId, 10);
    await new Promise((r) => setTimeout(r, 300));
    await issueCommand({ orgId: org.id, assignmentId: assignment.id, type: "scale", payload: { count: 2 } });
    const issuedAt = Date.now();
    const commands = await poll;
    expect(commands.map((c) => c.type)).toEqual(["scale"]);
    expect(Date.now() - issuedAt).toBeLessThan(500);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("leases are exclusive and an unacked command is redelivered after its lease", async () => {
    const { org, agentId, assignment } = await agentWithAssignment();
    const cmd = await issueCommand({ orgId: org.id, assignmentId: assignment.id, type: "stop", payload: {} });
    const [a, b] = await Promise.all([claimCommands(agentId), claimCommands(agentId)]);
    expect(a.length + b.length).toBe(1);
    expect(await claimCommands(agentId)).toHaveLength(0);
    const later = new Date(Date.now() + 61_000);
    const again = await claimCommands(agentId, later);
    expect(again.map((c) => c.id)).toEqual([cmd.id]);
    expect((await prisma.command.findUniqueOrThrow({ where: { id: cmd.id } })).attempts).toBe(2);
    await ackCommand(org.id, agentId, cmd.id, { status: "completed" });
    expect(await claimCommands(agentId, new Date(Date.now() + 200_000))).toHaveLength(0);
    await expect(ackCommand(org.id, agentId, cmd.id, { status: "completed" })).resolves.toMatchObject({
      duplicate: true,
    });
  });

  it("stale epochs get 409 with nothing written; replayed reports are no-ops", async () => {
    const { org, assignment } = await agentWithAssignment();
    const report = {
      epoch: 1,
      seq: 0,
      at: new Date().toISOString(),
      state: "running" as const,
      progress: { completed: 10, total: 100, unit: "requests" as const },
      usage: [{ component: "spot" as const, gpuType: "H100-SXM", seconds: 60, costUsd: 0.5 }],
    };
    for (let i = 0; i < 3; i++) await recordReport(org.id, assignment.id, report);
    // Usage is cumulative: 0.5 then 1.25 in total.
    await recordReport(org.id, assignment.id, {
      ...report,
      seq: 1,
      progress: { completed: 20, total: 100, unit: "requests" },
      usage: [{ component: "spot", gpuType: "H100-SXM", seconds: 150, costUsd: 1.25 }],
    });
    // A late, out-of-order report is kept but moves no totals.
    await recordReport(org.id, assignment.id, { ...report, seq: 1 });
    const after = await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } });
    expect(after.costUsd).toBeCloseTo(1.25);
    expect(after.progressDone).toBe(20);
    await prisma.assignment.update({ where: { id: assignment.id }, data: { epoch: 2 } });
    await expect(recordReport(org.id, assignment.id, { ...report, seq: 2 })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await prisma.assignmentReport.count({ where: { assignmentId: assignment.id } })).toBe(2);
    expect(await prisma.usageRecord.count({ where: { assignmentId: assignment.id } })).toBe(2);
  });

  it("a truly late report (seq 0 → 2 → 1) moves neither progress nor cost backwards", async () => {
    const { org, assignment } = await agentWithAssignment();
    const at = new Date().toISOString();
    const report = (seq: number, completed: number, costUsd: number) => ({
      epoch: 1,
      seq,
      at,
      state: "running" as const,
      progress: { completed, total: 100, unit: "requests" as const },
      usage: [{ component: "spot" as const, gpuType: "H100-SXM", seconds: seq * 60 + 60, costUsd }],
    });
    await recordReport(org.id, assignment.id, report(0, 10, 0.5));
    await recordReport(org.id, assignment.id, report(2, 30, 1.5));
    await recordReport(org.id, assignment.id, report(1, 20, 1.0));
    const after = await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } });
    expect(after.progressDone).toBe(30);
    expect(after.costUsd).toBeCloseTo(1.5);
  });

  it("a usage component left out of one report and sent again is not counted twice ($4 → missing → $5 is $5)", async () => {
    const { org, assignment } = await agentWithAssignment();
    const at = new Date().toISOString();
    const report = (seq: number, usage: { component: "spot" | "router"; seconds: number; costUsd: number }[]) => ({
      epoch: 1,
      seq,
      at,
      state: "running" as const,
      usage: usage.map((u) => (u.component === "spot" ? { ...u, gpuType: "H100-SXM" } : u)),
    });
    await recordReport(org.id, assignment.id, report(0, [{ component: "spot", seconds: 400, costUsd: 4 }]));
    await recordReport(org.id, assignment.id, report(1, [{ component: "router", seconds: 60, costUsd: 0.1 }]));
    await recordReport(
      org.id,
      assignment.id,
      report(2, [
        { component: "spot", seconds: 500, costUsd: 5 },
        { component: "router", seconds: 120, costUsd: 0.2 },
      ]),
    );
    const after = await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } });
    expect(after.costUsd).toBeCloseTo(5.2);
    const stored = await prisma.usageRecord.aggregate({
      where: { assignmentId: assignment.id },
      _sum: { costUsd: true },
    });
    expect(stored._sum.costUsd).toBeCloseTo(5.2);
  });

  it("a command issued under an older epoch cannot be acked", async () => {
    const { org, agentId, assignment } = await agentWithAssignment();
    const cmd = await issueCommand({ orgId: org.id, assignmentId: assignment.id, type: "pause", payload: {} });
    await prisma.assignment.update({ where: { id: assignment.id }, data: { epoch: 2 } });
    await expect(ackCommand(org.id, agentId, cmd.id, { status: "accepted" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect((await prisma.command.findUniqueOrThrow({ where: { id: cmd.id } })).status).toBe("PENDING");
  });

  it("events are deduplicated by event id", async () => {
    const { org, agentId } = await agentWithAssignment();
    const ev = {
      eventId: "ev-1",
      at: new Date().toISOString(),
      type: "replica_failed",
      reasonCode: "spot_preemption",
      detail: "",
      engineRef: null,
    };
    expect(await recordEngineEvents(org.id, agentId, [ev, { ...ev, eventId: "ev-2" }])).toEqual({
      accepted: 2,
      duplicates: 0,
    });
    expect(await recordEngineEvents(org.id, agentId, [ev])).toEqual({ accepted: 0, duplicates: 1 });
  });
});

describe("report progress units", () => {
  it("scales Orca's chunk progress to the requests a workload's assignment runs", async () => {
    const { org, assignment } = await agentWithAssignment();
    await prisma.assignment.update({ where: { id: assignment.id }, data: { progressTotal: 10_000 } });
    const at = new Date().toISOString();
    await recordReport(org.id, assignment.id, {
      epoch: 1,
      seq: 0,
      at,
      state: "running",
      progress: { completed: 5, total: 100, unit: "chunks" },
      usage: [],
    });
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).toMatchObject({
      progressDone: 500,
      progressTotal: 10_000,
    });
  });
});
