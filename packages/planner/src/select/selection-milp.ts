import highsLoader, { type Highs } from "highs";
import type { TCandidate } from "./build-candidates.ts";

// The selection MILP on HiGHS. Columns: one integer replica count per candidate, then the rate
// served by colocated replicas (sb) and by prefill/decode pairs (sp). One model is built per
// decision and re-solved with new objectives/bounds, which is much cheaper than rebuilding.

/** Dinkelbach objectives approach zero, so their gap must be absolute; plain costs use a relative one. */
export type TMilpTolerance = { absoluteGap?: number; relativeGap?: number; cutoff?: number };

export type TMilpSolution = { status: "optimal"; counts: number[]; served: number } | { status: "infeasible" };

let loading: Promise<Highs> | undefined;

/** Loads the HiGHS WebAssembly module once per process. */
export function loadHighs(): Promise<Highs> {
  loading ??= highsLoader();
  return loading;
}

export type TSelectionMilp = {
  /**
   * Minimises Σ costs[j]·x_j − served × servedWeight. `cutoff`: only plans with a lower objective
   * are of interest (it prunes the search; none found reads as "infeasible").
   */
  solve(costs: readonly number[], servedWeight: number, tolerance: TMilpTolerance): TMilpSolution;
  /** Forbids (or re-allows) candidates. */
  setAllowed(allowed: readonly boolean[]): void;
  dispose(): void;
};

export function buildSelectionMilp(
  highs: Highs,
  candidates: readonly TCandidate[],
  limits: { requiredRate: number; maxGpus?: number; perHourBudget?: number; poolGpus: ReadonlyMap<string, number> },
): TSelectionMilp {
  const n = candidates.length;
  const sb = n;
  const sp = n + 1;
  const inf = highs.infinity;
  const rows: { entries: [number, number][]; lower: number; upper: number }[] = [
    {
      entries: [
        [sb, 1],
        [sp, 1],
      ],
      lower: limits.requiredRate,
      upper: inf,
    },
    {
      entries: [
        [sb, 1],
        ...candidates.flatMap((c, j): [number, number][] => (c.role === "both" ? [[j, -c.rate]] : [])),
      ],
      lower: -inf,
      upper: 0,
    },
    {
      entries: [
        [sp, 1],
        ...candidates.flatMap((c, j): [number, number][] => (c.role === "prefill" ? [[j, -c.rate]] : [])),
      ],
      lower: -inf,
      upper: 0,
    },
    {
      entries: [
        [sp, 1],
        ...candidates.flatMap((c, j): [number, number][] => (c.role === "decode" ? [[j, -c.rate]] : [])),
      ],
      lower: -inf,
      upper: 0,
    },
  ];
  for (const [poolId, gpus] of limits.poolGpus) {
    const entries = candidates.flatMap((c, j): [number, number][] => (c.poolId === poolId ? [[j, c.tp]] : []));
    if (entries.length > 0) rows.push({ entries, lower: -inf, upper: gpus });
  }
  if (limits.maxGpus !== undefined)
    rows.push({ entries: candidates.map((c, j): [number, number] => [j, c.tp]), lower: -inf, upper: limits.maxGpus });
  if (limits.perHourBudget !== undefined)
    rows.push({
      entries: candidates.map((c, j): [number, number] => [j, c.pricePerHour]),
      lower: -inf,
      upper: limits.perHourBudget,
    });

  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of rows) {
    for (const [col, value] of row.entries) {
      indices.push(col);
      values.push(value);
    }
    starts.push(indices.length);
  }
  const hasPairs = candidates.some((c) => c.role === "prefill") && candidates.some((c) => c.role === "decode");
  const maxCounts = candidates.map((c) => c.maxCount);
  const model = highs.createModel({
    numCols: n + 2,
    numRows: rows.length,
    colCost: new Array<number>(n + 2).fill(0),
    colLower: new Array<number>(n + 2).fill(0),
    colUpper: [...maxCounts, inf, hasPairs ? inf : 0],
    rowLower: rows.map((r) => r.lower),
    rowUpper: rows.map((r) => r.upper),
    matrix: { format: "csr", numRows: rows.length, numCols: n + 2, starts, indices, values },
    integrality: [
      ...candidates.map(() => highs.constants.variableType.integer),
      highs.constants.variableType.continuous,
      highs.constants.variableType.continuous,
    ],
  });
  model.options.set({ output_flag: false, time_limit: 10 });

  return {
    solve(costs, servedWeight, tolerance) {
      model.options.set({
        mip_abs_gap: tolerance.absoluteGap ?? 1e-6,
        mip_rel_gap: tolerance.relativeGap ?? 0,
        objective_bound: tolerance.cutoff ?? 1e30,
      });
      for (let j = 0; j < n; j += 1) model.changeColCost(j, costs[j] ?? 0);
      model.changeColCost(sb, -servedWeight);
      model.changeColCost(sp, -servedWeight);
      model.run();
      const status = model.getModelStatus();
      const none = [highs.constants.modelStatus.infeasible, highs.constants.modelStatus.objectiveBound];
      if (none.includes(status as (typeof none)[number])) return { status: "infeasible" };
      if (status !== highs.constants.modelStatus.optimal) throw new Error(`HiGHS stopped with model status ${status}`);
      const x = model.getSolution().colValue;
      return {
        status: "optimal",
        counts: candidates.map((_, j) => Math.round(x[j] ?? 0)),
        served: (x[sb] ?? 0) + (x[sp] ?? 0),
      };
    },
    setAllowed(allowed) {
      allowed.forEach((ok, j) => model.changeColBounds(j, 0, ok ? (maxCounts[j] ?? 0) : 0));
    },
    dispose() {
      model.dispose();
    },
  };
}
