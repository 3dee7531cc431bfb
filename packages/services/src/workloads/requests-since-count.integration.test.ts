import { afterAll, describe, expect, it } from "vitest";
import type { TAssignmentReport } from "@koi/contracts/agent/reports";
import { prisma, type Workload } from "@koi/db";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { recordReport } from "../agents/record-report.ts";
import { forecastWorkload } from "./forecast-workload.ts";
import { requestsSinceCount } from "./requests-since-count.ts";
import { deployedWorkload, dropOutboxRows, h100Pool, orgWithAgent, report } from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
  await commandWakeups().stop();
});

describe("progress between Orca's chunk counts", () => {
  it("is estimated from the output tokens generated since the count changed, marked, and used by the forecast", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    // 20,000 requests of 300 output tokens, in 100 chunks of 200.
    const { workload: w, assignment } = await deployedWorkload(org.id, agentId);
    const t0 = Date.now() - 600_000;
    const chunkReport = (seq: number, chunks: number, seconds: number) =>
      recordReport(org.id, assignment.id, {
        ...report({ seq, completed: 0, total: 0, at: new Date(t0 + seconds * 1000) }),
        progress: { completed: chunks, total: 100, unit: "chunks" },
        // 1,500 output tokens/s: 5 requests a second.
        throughput: { tokensPerSecond: 6_500, outputTokensPerSecond: 1_500 },
      });
    const workload = () => prisma.workload.findUniqueOrThrow({ where: { id: w.id } });

    await chunkReport(0, 0, 0);
    expect((await workload()).progressEstimate).toBeNull(); // no time past the count yet
    await chunkReport(1, 0, 20);
    expect(await workload()).toMatchObject({ progressDone: 0, progressEstimate: 100 }); // 20 s × 5 req/s
    await chunkReport(2, 1, 40); // the engine counts the first chunk: 200 requests
    expect(await workload()).toMatchObject({ progressDone: 200, progressEstimate: null });
    await chunkReport(3, 1, 60);
    expect(await workload()).toMatchObject({ progressDone: 200, progressEstimate: 300 });
    await chunkReport(4, 1, 300); // 260 s past the count: capped short of the next chunk
    expect((await workload()).progressEstimate).toBeCloseTo(390, 6);

    expect(await forecastWorkload(w.id)).toMatchObject({ status: expect.any(String) });
    const [point] = await prisma.forecastPoint.findMany({ where: { workloadId: w.id } });
    expect(point!.completed).toBeCloseTo(390, 6);
  });

  it("is null for an engine that counts requests itself", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    const { workload: w, assignment } = await deployedWorkload(org.id, agentId);
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 3; i++)
      await recordReport(
        org.id,
        assignment.id,
        report({
          seq: i,
          completed: i * 50,
          total: 20_000,
          at: new Date(t0 + i * 20_000),
          throughput: { tokensPerSecond: 6_500, outputTokensPerSecond: 1_500 },
        }),
      );
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({
      progressDone: 100,
      progressEstimate: null,
    });
  });

  describe("requestsSinceCount's guards", () => {
    /** A deployed batch job with one chunk report (chunk 0 of 100, at t0) and a later report to estimate from. */
    async function counted() {
      const { org, agentId } = await orgWithAgent([h100Pool(64)]);
      const { workload, assignment } = await deployedWorkload(org.id, agentId);
      const t0 = Date.now() - 600_000;
      const later = (over: Partial<TAssignmentReport> = {}): TAssignmentReport => ({
        ...report({ seq: 1, completed: 0, total: 0, at: new Date(t0 + 20_000) }),
        progress: { completed: 0, total: 100, unit: "chunks" },
        throughput: { tokensPerSecond: 6_500, outputTokensPerSecond: 1_500 },
        ...over,
      });
      await recordReport(org.id, assignment.id, { ...later(), seq: 0, at: new Date(t0).toISOString() });
      const estimate = (r: TAssignmentReport, w: Workload = workload, assignmentId = assignment.id) =>
        prisma.$transaction((tx) => requestsSinceCount(tx, w, assignmentId, r));
      return { workload, assignment, later, estimate };
    }

    it("estimates 20 s × 5 req/s past the count, and 0 whenever a guard fails", async () => {
      const { workload, later, estimate } = await counted();
      expect(await estimate(later())).toBe(100);
      // Not running.
      expect(await estimate(later({ state: "paused" }))).toBe(0);
      // The engine counts requests itself.
      expect(await estimate(later({ progress: { completed: 0, total: 100, unit: "requests" } }))).toBe(0);
      // No progress at all (the engine has not counted anything yet).
      expect(await estimate(later({ progress: undefined }))).toBe(0);
      // No chunk total.
      expect(await estimate(later({ progress: { completed: 0, total: 0, unit: "chunks" } }))).toBe(0);
      expect(await estimate(later({ progress: { completed: 0, total: null, unit: "chunks" } }))).toBe(0);
      // No throughput.
      expect(await estimate(later({ throughput: undefined }))).toBe(0);
      // Not a batch job (an online spec on the same assignment).
      const online = {
        ...workload,
        spec: {
          kind: "online",
          model: workload.model,
          requestsPerSecond: 3,
          avgInputTokens: 800,
          avgOutputTokens: 300,
          ttftP95Ms: 2000,
          tpotP95Ms: 100,
        },
      };
      expect(await estimate(later(), online)).toBe(0);
    });

    it("is 0 for an unknown assignment or a count never reported before", async () => {
      const { later, estimate } = await counted();
      expect(await estimate(later(), undefined, "no-such-assignment")).toBe(0);
      // Chunk 5 was never reported: no time since the count changed.
      expect(await estimate(later({ progress: { completed: 5, total: 100, unit: "chunks" } }))).toBe(0);
    });
  });
});
