import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { recordReport } from "../agents/record-report.ts";
import { dropOutboxRows, orgWithAgent } from "../workloads/test-fixtures.ts";
import { planOnlineService } from "./plan-online-service.ts";
import { onlineReport, onlineSample, runningChatService, tunaL4Pools } from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
  await commandWakeups().stop();
});

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
});
