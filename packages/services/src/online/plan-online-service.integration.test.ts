import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { ackCommand } from "../agents/ack-command.ts";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { claimCommands } from "../agents/lease-commands.ts";
import { recordReport } from "../agents/record-report.ts";
import { planWorkload } from "../workloads/plan-workload.ts";
import { submitWorkload } from "../workloads/submit-workload.ts";
import { dropOutboxRows, liveAssignment, orgWithAgent } from "../workloads/test-fixtures.ts";
import { planOnlineService } from "./plan-online-service.ts";
import { onlineReport, onlineSample, tunaL4Pools } from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
  await commandWakeups().stop();
});

describe("planOnlineService", () => {
  it("a load no pool can carry gives an slo_unreachable decision naming what cannot be met and the best it can do", async () => {
    const { org, agentId } = await orgWithAgent(tunaL4Pools);
    const w = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: {
        kind: "online",
        name: "viral chat",
        model: "meta-llama/Llama-3.1-8B-Instruct",
        requestsPerSecond: 3,
        avgInputTokens: 800,
        avgOutputTokens: 200,
        ttftP95Ms: 2000,
        tpotP95Ms: 100,
      },
    });
    expect((await planWorkload(w.id)).outcome).toBe("dispatched");
    const assignment = await liveAssignment(w.id);
    const [deploy] = await claimCommands(agentId);
    await ackCommand(org.id, agentId, deploy!.id, { status: "accepted", engineRef: "tuna:router" });
    await prisma.assignment.update({ where: { id: assignment.id }, data: { state: "running" } });

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
});
