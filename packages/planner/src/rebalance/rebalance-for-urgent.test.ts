import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PRIORITY_RANK, type TCapacity, type TPriority } from "../types.ts";
import { rebalanceForUrgent, type TRunningWorkload, type TUrgentWorkload } from "./rebalance-for-urgent.ts";
import { maxLendableRate, predictFinishWithLoan } from "./predict-finish-with-loan.ts";

const H = 3600;
const pool = (id: string, available: number, price = 2): TCapacity["pools"][number] => ({
  id,
  gpuType: "H100-SXM",
  market: "on-demand",
  available,
  pricePerGpuHour: price,
});
const job = (
  id: string,
  priority: TPriority,
  deadlineH: number,
  workGpuHours: number,
  gpus: number,
  poolId = "h100",
): TRunningWorkload => ({
  id,
  priority,
  deadline: deadlineH * H,
  remainingWork: workGpuHours * H,
  allocation: [{ poolId, gpus, ratePerGpu: 1 }],
});
const urgent = (workGpuHours: number, deadlineH: number): TUrgentWorkload => ({
  id: "urgent",
  priority: "urgent",
  deadline: deadlineH * H,
  remainingWork: workGpuHours * H,
  ratePerGpuByPool: { h100: 1 },
});

describe("rebalanceForUrgent", () => {
  it.each([
    {
      name: "free capacity is enough: nobody is touched",
      running: [job("a", "low", 10, 8, 4)],
      free: [pool("h100", 8)],
      u: urgent(8, 2.5),
      feasible: true,
      victims: [] as string[],
    },
    {
      name: "a slack low-priority job lends GPUs and still finishes",
      running: [job("a", "low", 24, 8, 8)],
      free: [pool("h100", 0)],
      u: urgent(8, 2.5),
      feasible: true,
      victims: ["a"],
    },
    {
      name: "equal priority is never touched, however much slack it has",
      running: [job("a", "urgent", 48, 1, 8)],
      free: [pool("h100", 0)],
      u: urgent(8, 2.5),
      feasible: false,
      victims: [],
    },
    {
      name: "among equal priorities, the victim with the most slack goes first",
      running: [job("tight", "low", 6, 40, 8), job("loose", "low", 48, 40, 8)],
      free: [pool("h100", 0)],
      u: urgent(8, 2.5),
      feasible: true,
      victims: ["loose"],
    },
    {
      name: "the lowest priority lends first, even when a higher one has more slack",
      running: [job("high", "high", 48, 8, 8), job("low", "low", 24, 8, 8)],
      free: [pool("h100", 0)],
      u: urgent(8, 2.5),
      feasible: true,
      victims: ["low"],
    },
    {
      name: "no victim can lend without missing: report who would miss and by how much",
      running: [job("a", "low", 4, 30, 8)],
      free: [pool("h100", 0)],
      u: urgent(8, 2.5),
      feasible: false,
      victims: ["a"],
    },
  ])("$name", ({ running, free, u, feasible, victims }) => {
    const r = rebalanceForUrgent({ running, free: { pools: free }, urgent: u, now: 0 });
    expect(r.feasible).toBe(feasible);
    expect([...new Set(r.actions.map((a) => a.workloadId))]).toEqual(victims);
    if (feasible) {
      expect(r.misses).toEqual([]);
      expect(r.urgentPredictedFinish).toBeLessThanOrEqual(u.deadline);
    } else {
      expect(r.misses.length).toBeGreaterThan(0);
      expect(r.explanation).toMatch(/late by/);
    }
  });

  it("names the late victim and the lateness in the infeasible case", () => {
    const r = rebalanceForUrgent({
      running: [job("a", "low", 4, 30, 8)],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(8, 2.5),
      now: 0,
    });
    const miss = r.misses.find((m) => m.workloadId === "a");
    expect(miss?.lateBySeconds).toBeGreaterThan(0);
    const a = r.actions[0]!;
    expect(miss?.lateBySeconds).toBeCloseTo(a.predictedFinish - a.deadline, 6);
  });

  it("names pools in its explanation by their names, not their ids", () => {
    const r = rebalanceForUrgent({
      running: [job("a", "low", 24, 8, 8)],
      free: { pools: [{ ...pool("h100", 0), name: "orca-east's H100-SXM on-demand pool" }] },
      urgent: urgent(8, 2.5),
      now: 0,
    });
    expect(r.explanation).toMatch(/urgent gets \d+ GPUs of orca-east's H100-SXM on-demand pool \(lent\)/);
    expect(r.explanation).toMatch(
      /pause a −\d+ GPUs of orca-east's H100-SXM on-demand pool|a −\d+ GPUs of orca-east's/,
    );
    expect(r.explanation).not.toMatch(/h100/);
  });

  it("refuses when the deadline is inside the startup time", () => {
    const r = rebalanceForUrgent({
      running: [job("a", "low", 48, 1, 8)],
      free: { pools: [pool("h100", 8)] },
      urgent: urgent(1, 0.1),
      now: 0,
    });
    expect(r).toMatchObject({ feasible: false, actions: [] });
  });

  const priorities: TPriority[] = ["low", "normal", "high", "urgent"];
  const scenario = fc.record({
    jobs: fc.array(
      fc.record({
        priority: fc.constantFrom(...priorities),
        deadlineH: fc.double({ min: 0.5, max: 72, noNaN: true }),
        workFrac: fc.double({ min: 0.01, max: 1.2, noNaN: true }),
        // One slice per pool, as a real allocation has (the check below looks a slice up by pool).
        slices: fc.uniqueArray(
          fc.record({
            pool: fc.constantFrom("p0", "p1", "p2"),
            replicas: fc.integer({ min: 1, max: 4 }),
            step: fc.constantFrom(1, 2, 4),
            rate: fc.double({ min: 0.2, max: 3, noNaN: true }),
          }),
          { minLength: 1, maxLength: 3, selector: (sl) => sl.pool },
        ),
      }),
      { maxLength: 6 },
    ),
    free: fc.tuple(fc.nat(8), fc.nat(8), fc.nat(8)),
    urgentPriority: fc.constantFrom<TPriority>("normal", "high", "urgent"),
    urgentDeadlineH: fc.double({ min: 0.5, max: 12, noNaN: true }),
    urgentWorkGpuH: fc.double({ min: 0.1, max: 40, noNaN: true }),
    urgentRates: fc.tuple(
      fc.double({ min: 0, max: 3, noNaN: true }),
      fc.double({ min: 0, max: 3, noNaN: true }),
      fc.double({ min: 0, max: 3, noNaN: true }),
    ),
    urgentSteps: fc.tuple(fc.constantFrom(1, 2, 4), fc.constantFrom(1, 2, 4), fc.constantFrom(1, 2, 4)),
  });

  it("never touches equal-or-higher priority, never lends more than a victim has, and keeps every victim's SLO when feasible", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const running: TRunningWorkload[] = s.jobs.map((j, i) => {
          const allocation = j.slices.map((sl) => ({
            poolId: sl.pool,
            gpus: sl.replicas * sl.step,
            ratePerGpu: sl.rate,
            step: sl.step,
          }));
          const full = allocation.reduce((sum, a) => sum + a.gpus * a.ratePerGpu, 0);
          return {
            id: `j${i}`,
            priority: j.priority,
            deadline: j.deadlineH * H,
            remainingWork: full * j.deadlineH * H * j.workFrac,
            allocation,
          };
        });
        const u: TUrgentWorkload = {
          id: "u",
          priority: s.urgentPriority,
          deadline: s.urgentDeadlineH * H,
          remainingWork: s.urgentWorkGpuH * H,
          ratePerGpuByPool: { p0: s.urgentRates[0], p1: s.urgentRates[1], p2: s.urgentRates[2] },
          stepByPool: { p0: s.urgentSteps[0], p1: s.urgentSteps[1], p2: s.urgentSteps[2] },
        };
        const free = { pools: s.free.map((n, i) => pool(`p${i}`, n)) };
        const r = rebalanceForUrgent({ running, free, urgent: u, now: 0, startupSeconds: 300 });
        for (const a of r.actions) {
          const w = running.find((x) => x.id === a.workloadId)!;
          if (PRIORITY_RANK[w.priority] >= PRIORITY_RANK[u.priority]) return false;
        }
        for (const w of running) {
          for (const slice of w.allocation) {
            const lent = r.actions
              .filter((a) => a.workloadId === w.id && a.poolId === slice.poolId)
              .reduce((sum, a) => sum + a.gpus, 0);
            const had = w.allocation.filter((x) => x.poolId === slice.poolId).reduce((sum, x) => sum + x.gpus, 0);
            if (lent > had) return false;
          }
        }
        for (const [i, p] of free.pools.entries()) {
          const used = r.urgentAllocation
            .filter((a) => a.source === "free" && a.poolId === p.id)
            .reduce((sum, a) => sum + a.gpus, 0);
          if (used > s.free[i]!) return false;
        }
        if (!r.feasible) return r.misses.length > 0;
        if (r.urgentPredictedFinish > u.deadline + 1e-6) return false;
        // Independent check: step each victim's work forward in time with its lent GPUs gone until
        // the urgent job is done, back after the 300 s restart.
        const done = r.urgentPredictedFinish;
        for (const w of running) {
          const lentRate = r.actions
            .filter((a) => a.workloadId === w.id)
            .reduce((sum, a) => sum + a.gpus * (w.allocation.find((x) => x.poolId === a.poolId)?.ratePerGpu ?? 0), 0);
          if (lentRate === 0) continue;
          const full = w.allocation.reduce((sum, a) => sum + a.gpus * a.ratePerGpu, 0);
          const dt = w.deadline / 20_000;
          let work = 0;
          for (let t = 0; t < w.deadline; t += dt) work += (t < done + 300 ? full - lentRate : full) * dt;
          if (work < w.remainingWork * (1 - 1e-3)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe("predictFinishWithLoan / maxLendableRate", () => {
  it("lending the maximum lendable rate finishes exactly at deadline with margin", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 0.1, max: 0.95, noNaN: true }),
        fc.double({ min: 0, max: 20_000, noNaN: true }),
        (fullRate, busy, loan) => {
          const deadline = 36_000;
          const work = fullRate * deadline * busy;
          const lend = maxLendableRate({
            now: 0,
            deadline,
            work,
            fullRate,
            loanSeconds: loan,
            restartSeconds: 600,
            margin: 0,
          });
          const finish = predictFinishWithLoan({
            now: 0,
            work,
            fullRate,
            lentRate: lend,
            loanSeconds: loan,
            restartSeconds: 600,
          });
          return lend >= 0 && lend <= fullRate && finish <= deadline * (1 + 1e-9);
        },
      ),
    );
  });
});
