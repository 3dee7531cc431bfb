import { afterAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@koi/db";
import { logger } from "@koi/core/logger";
import { sweepFailures } from "@koi/core/metrics/koi-metrics";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { recordReport } from "../agents/record-report.ts";
import { forEachRunningWorkload } from "./for-each-running-workload.ts";
import { forecastWorkload } from "./forecast-workload.ts";
import { deployedWorkload, dropOutboxRows, h100Pool, orgWithAgent, report } from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
  await commandWakeups().stop();
});

/** A RUNNING batch workload of the org's agent, with `reports` progress reports. */
async function runningWorkload(orgId: string, agentId: string, reports: number) {
  const { workload, assignment } = await deployedWorkload(orgId, agentId);
  // 100 requests every 30 s: 3.3 req/s against the 2.8 req/s the deadline needs.
  const t0 = Date.now() - 300_000;
  for (let i = 0; i < reports; i++)
    await recordReport(
      orgId,
      assignment.id,
      report({ seq: i, completed: i * 100, total: 20_000, at: new Date(t0 + i * 30_000) }),
    );
  return { workload, assignment };
}

const failuresOf = async (sweep: string) =>
  (await sweepFailures.get()).values.find((v) => v.labels.sweep === sweep)?.value ?? 0;

describe("forEachRunningWorkload", () => {
  it("passes over a workload that throws, so the workloads after it still get their forecasts", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    const broken = await runningWorkload(org.id, agentId, 3);
    const healthy = await runningWorkload(org.id, agentId, 3);
    // A stored placement the reader rejects, on the workload every pass visits first.
    await prisma.assignment.update({ where: { id: broken.assignment.id }, data: { placement: { poolId: "x" } } });
    await prisma.$executeRaw`UPDATE "Workload" SET "updatedAt" = now() - interval '1 day' WHERE id = ${broken.workload.id}`;
    const ours = new Set([broken.workload.id, healthy.workload.id]);
    const before = await failuresOf("batch");

    const outcomes = await forEachRunningWorkload("batch", async (id) =>
      ours.has(id) ? forecastWorkload(id) : { workloadId: id, status: "skipped" as const, action: "none" as const },
    );

    expect(outcomes.find((o) => o.workloadId === healthy.workload.id)).toMatchObject({ status: "on-track" });
    expect(outcomes.find((o) => o.workloadId === broken.workload.id)).toBeUndefined();
    expect(await prisma.forecastPoint.count({ where: { workloadId: healthy.workload.id } })).toBe(1);
    expect(await failuresOf("batch")).toBe(before + 1);
  });

  it("logs the workload it passed over with its error and sweep, so an operator can find it", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    const broken = await runningWorkload(org.id, agentId, 0);
    await runningWorkload(org.id, agentId, 0); // one that passes, so the pass itself succeeds
    const failure = new Error("stored placement drifted");
    const logged = vi.spyOn(logger, "error");
    try {
      await forEachRunningWorkload("batch", async (id) => {
        if (id === broken.workload.id) throw failure;
        return id;
      });
      expect(logged).toHaveBeenCalledWith(
        { err: failure, workloadId: broken.workload.id, sweep: "batch" },
        "sweep passed over a workload it could not handle",
      );
    } finally {
      logged.mockRestore();
    }
  });

  it("fails the pass when every workload throws (the database is down, say), so the job is retried", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    await runningWorkload(org.id, agentId, 1);
    await expect(
      forEachRunningWorkload("batch", async () => {
        throw new Error("connection refused");
      }),
    ).rejects.toThrow("connection refused");
  });

  it("visits the least recently updated workloads first", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    const first = await runningWorkload(org.id, agentId, 0);
    const second = await runningWorkload(org.id, agentId, 0);
    const third = await runningWorkload(org.id, agentId, 0);
    // Created first, updated last: the visit order is the reverse of the creation order.
    await prisma.$executeRaw`UPDATE "Workload" SET "updatedAt" = now() - interval '30 days' WHERE id = ${first.workload.id}`;
    await prisma.$executeRaw`UPDATE "Workload" SET "updatedAt" = now() - interval '31 days' WHERE id = ${second.workload.id}`;
    await prisma.$executeRaw`UPDATE "Workload" SET "updatedAt" = now() - interval '32 days' WHERE id = ${third.workload.id}`;
    const ours = new Set([first.workload.id, second.workload.id, third.workload.id]);

    const visited = await forEachRunningWorkload("batch", async (id) => id);

    expect(visited.filter((id) => ours.has(id))).toEqual([third.workload.id, second.workload.id, first.workload.id]);
  });

  it("rethrows the error of the last workload it visited when every one throws", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    await runningWorkload(org.id, agentId, 0);
    await runningWorkload(org.id, agentId, 0);
    const visited: string[] = [];
    const pass = forEachRunningWorkload("batch", async (id) => {
      visited.push(id);
      throw new Error(`failed ${id}`);
    });
    await expect(pass).rejects.toThrow(Error);
    expect(visited.length).toBeGreaterThanOrEqual(2);
    await expect(pass).rejects.toThrow(`failed ${visited.at(-1)}`);
  });

  it("does not fail a pass with no workload to visit", async () => {
    let calls = 0;
    // No workload is of this kind: the pass finds none.
    const outcomes = await forEachRunningWorkload("none" as "batch", async (id) => {
      calls++;
      return id;
    });
    expect(outcomes).toEqual([]);
    expect(calls).toBe(0);
  });
});
