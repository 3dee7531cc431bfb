import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { recordReport } from "../agents/record-report.ts";
import { dropOutboxRows, orgWithAgent } from "../workloads/test-fixtures.ts";
import { planOnlineService } from "./plan-online-service.ts";
import { ackCommand } from "../agents/ack-command.ts";
import { claimCommands } from "../agents/lease-commands.ts";
import { readPlacement } from "../workloads/read-stored-json.ts";
import { onlineReport, onlineSample, runningChatService, tunaL4Pools } from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
  await commandWakeups().stop();
});

/**
 * A chat service on its agent's L4 spot service, 15 minutes at 12 req/s, whose agent now also runs
 * an L40S one (--tuna-variant): 4 × L40S ($1.20/h) beat 6 × L4 ($2.40/h), cheaper by far more than
 * the 15% a switch needs. Returns what the tests report and check with.
 */
async function chatServiceWithCheaperL40s() {
  const { org, agentId } = await orgWithAgent(tunaL4Pools);
  const { workload: w, assignment } = await runningChatService(org.id, agentId);
  expect(readPlacement(assignment).gpuType).toBe("L4");
  await claimCommands(agentId);
  await recordHeartbeat(org.id, agentId, {
    inventory: {
      pools: [
        ...tunaL4Pools,
        {
          id: "tuna:spot:L40S",
          gpuType: "L40S",
          market: "spot" as const,
          total: 8,
          available: 8,
          quota: null,
          pricePerGpuHour: 0.3,
          replicaSizes: [1],
        },
      ],
    },
    assignments: [],
  });
  const t0 = Date.now() - 60 * 60_000;
  /** Minute `i` of the service's life, served by the L4s. */
  const report = (i: number, requestsPerSecond = 12) => {
    const at = new Date(t0 + i * 60_000);
    return recordReport(
      org.id,
      assignment.id,
      onlineReport(i, at, onlineSample(at, { requestsPerSecond, spotGpuType: "L4", spotReplicas: 6 })),
    );
  };
  for (let i = 0; i < 15; i++) await report(i);
  const movesTo = async (gpuType: string) =>
    (await prisma.command.findMany({ where: { assignmentId: assignment.id, type: "set_scaling" } })).filter(
      (c) => (c.payload as { variant?: { gpuType: string } }).variant?.gpuType === gpuType,
    );
  return { org, agentId, w, assignment, report, movesTo };
}

describe("planOnlineService", () => {
  it("a load no pool can carry gives an slo_unreachable decision naming what cannot be met and the best it can do", async () => {
    const { org, agentId } = await orgWithAgent(tunaL4Pools);
    const { workload: w, assignment } = await runningChatService(org.id, agentId);

    // Half an hour at 600 req/s: far past what 28 L4s serve inside a 100 ms TPOT.
    const t0 = Date.now() - 40 * 60_000;
    for (let i = 0; i < 30; i++) {
      const at = new Date(t0 + i * 60_000);
      await recordReport(
        org.id,
        assignment.id,
        onlineReport(i, at, onlineSample(at, { requestsPerSecond: 600, tpotP95Ms: 400, waiting: 500 })),
      );
    }

    const outcome = await planOnlineService(w.id);
    expect(outcome).toMatchObject({ outcome: "decided", kind: "slo_unreachable", health: "AT_RISK" });
    const decision = await prisma.decision.findFirstOrThrow({
      where: { workloadId: w.id, kind: "slo_unreachable" },
    });
    expect(decision.reason).toMatch(/req\/s/);
    expect(decision.reason).toMatch(/Best effort: /);
    // Nothing new reported: the next pass changes nothing.
    expect(await planOnlineService(w.id)).toMatchObject({ outcome: "unchanged" });
  });

  it("a new plan replaces the planned cost per hour the workload was dispatched with", async () => {
    const { org, agentId } = await orgWithAgent(tunaL4Pools);
    const { workload: w, assignment } = await runningChatService(org.id, agentId);
    const dispatched = await prisma.workload.findUniqueOrThrow({ where: { id: w.id } });
    // Four times the submitted 3 req/s: more L4s than the dispatched plan's.
    const t0 = Date.now() - 20 * 60_000;
    for (let i = 0; i < 15; i++) {
      const at = new Date(t0 + i * 60_000);
      await recordReport(org.id, assignment.id, onlineReport(i, at, onlineSample(at, { requestsPerSecond: 12 })));
    }
    expect(await planOnlineService(w.id)).toMatchObject({ outcome: "decided" });
    const after = await prisma.workload.findUniqueOrThrow({ where: { id: w.id } });
    const planned = (after.scaling as { plan: { costPerHour: number } }).plan.costPerHour;
    expect(planned).not.toBeCloseTo(dispatched.predictedCostUsd!);
    expect(after.predictedCostUsd).toBeCloseTo(planned);
  });

  it("moves a service to another spot service of its agent when that serves the load for less: the command names it and the placement follows", async () => {
    const { org, agentId, w, assignment, report, movesTo } = await chatServiceWithCheaperL40s();
    expect(await planOnlineService(w.id)).toMatchObject({ outcome: "decided" });
    const [setScaling] = await claimCommands(agentId);
    expect(setScaling).toMatchObject({
      type: "set_scaling",
      payload: { variant: { poolId: expect.any(String), gpuType: "L40S", tp: 1 } },
    });
    const moved = readPlacement(await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } }));
    expect(moved).toMatchObject({ gpuType: "L40S", tp: 1, replicaCostPerHour: 0.3 });
    expect(moved.poolId).not.toBe(readPlacement(assignment).poolId);

    // The agent refuses the move (say its router cannot take it) and goes on reporting from the L4s.
    await ackCommand(org.id, agentId, setScaling!.id, { status: "rejected", detail: "needs --tuna-switch-command" });
    for (let i = 15; i < 18; i++) await report(i);
    await planOnlineService(w.id);
    const back = readPlacement(await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } }));
    expect(back).toMatchObject({ gpuType: "L4", poolId: readPlacement(assignment).poolId });
    const scaling = (await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).scaling as {
      state: { variant: { gpuType: string } };
    };
    // Koi plans from the L4s that serve: a move to L40S must be decided again, not assumed done.
    expect(scaling.state.variant.gpuType).toBe("L4");
    const after = await claimCommands(agentId);
    const named = after
      .filter((c) => c.type === "set_scaling")
      .map((c) => c.payload as { variant?: { gpuType: string } });
    expect(named.every((p) => p.variant?.gpuType === "L4")).toBe(true);

    // The L40S stays cheaper, but the agent refused it: Koi does not decide the same move again
    // once the switch's 30-minute persistence window has passed (it did, every window, before).
    for (let i = 18; i < 55; i++) {
      await report(i);
      await planOnlineService(w.id);
    }
    expect((await movesTo("L40S")).map((c) => c.id)).toEqual([setScaling!.id]);
    expect(readPlacement(await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).gpuType).toBe(
      "L4",
    );
    // The next decision says why the cheaper service is not offered.
    for (let i = 55; i < 60; i++) await report(i, 30);
    expect(await planOnlineService(w.id)).toMatchObject({ outcome: "decided" });
    const latest = await prisma.decision.findFirstOrThrow({
      where: { workloadId: w.id },
      orderBy: { createdAt: "desc" },
    });
    // The pause has run for part of the engine hours the reports span.
    expect(latest.reason).toMatch(
      /Not offered, since a move there did not happen: L40S \(the agent answered: needs --tuna-switch-command; Koi tries again in [1-6] h\)/,
    );
  });

  it("a move the agent took but gave up (the new service never answered) is not decided again either", async () => {
    const { org, agentId, w, assignment, report, movesTo } = await chatServiceWithCheaperL40s();
    expect(await planOnlineService(w.id)).toMatchObject({ outcome: "decided" });
    const [setScaling] = await claimCommands(agentId);
    await ackCommand(org.id, agentId, setScaling!.id, {
      status: "completed",
      detail: "switching spot from L4 to L40S",
    });
    // Samples keep naming the L4s for longer than a move can take: the agent gave it up after
    // Tuna's 20-minute warm-up (its event says so; the command itself stays COMPLETED).
    await report(15);
    const later = new Date(Date.now() + 30 * 60_000);
    await planOnlineService(w.id, later);
    expect(readPlacement(await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).gpuType).toBe(
      "L4",
    );
    for (let i = 16; i < 55; i++) {
      await report(i);
      await planOnlineService(w.id, later);
    }
    expect((await movesTo("L40S")).map((c) => c.id)).toEqual([setScaling!.id]);
    for (let i = 55; i < 60; i++) await report(i, 30);
    expect(await planOnlineService(w.id, later)).toMatchObject({ outcome: "decided" });
    const latest = await prisma.decision.findFirstOrThrow({
      where: { workloadId: w.id },
      orderBy: { createdAt: "desc" },
    });
    expect(latest.reason).toContain("L40S (the agent took the move, but its samples still name L4");
  });
});
