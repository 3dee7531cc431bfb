import highsLoader from "highs";
import type { TFleetTrace } from "./fleet-types.ts";
import { serverlessWorkerShape } from "./account-online-minute.ts";
import { bestBatchShape, bestOnlineShape } from "./replica-throughput.ts";

export type THindsightBound = {
  cost: { onDemand: number; spot: number; serverless: number; total: number };
  gpuHours: number;
  variables: number;
  status: string;
};

/**
 * A lower bound on any policy's cost for the trace, as a linear programme solved with HiGHS.
 * It knows the future (arrivals, every minute's load, the true throughput of every GPU type),
 * pays no startup or model-load time, suffers no preemption, and may use fractional GPUs in
 * hourly buckets (relaxed integrality); it still respects each pool's capacity, the jobs'
 * arrival-to-deadline windows and the online load hour by hour. Variables: GPU-hours per
 * (job | service, pool, hour), plus serverless GPU-hours per (service, hour).
 */
export async function boundFleetHindsight(trace: TFleetTrace): Promise<THindsightBound> {
  const highs = await highsLoader();
  const obj: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const poolUse = new Map<string, string[]>();
  const price = new Map<string, number>();
  const market = new Map<string, string>();
  let n = 0;
  const variable = (cost: number, kind: string): string => {
    const v = `x${n++}`;
    obj.push(`${cost} ${v}`);
    price.set(v, cost);
    market.set(v, kind);
    return v;
  };
  const use = (poolIndex: number, hour: number, v: string): void => {
    const key = `${poolIndex}:${hour}`;
    poolUse.set(key, [...(poolUse.get(key) ?? []), v]);
  };

  trace.jobs.forEach((j, ji) => {
    const tokens = j.requests * (j.inputTokens + j.outputTokens);
    const terms: string[] = [];
    trace.pools.forEach((p, pi) => {
      const shape = bestBatchShape(j.model, p.gpuType, j.inputTokens, j.outputTokens);
      if (!shape) return;
      // Millions of tokens per GPU-hour keeps the LP's coefficients well scaled.
      const perGpuHour = ((shape.tokensPerSecond / shape.tp) * 3600 * trace.trueFactor(j.model, p.gpuType)) / 1e6;
      for (let h = Math.floor(j.arrival / 3600); h * 3600 < j.deadline; h++) {
        const overlap = (Math.min(j.deadline, (h + 1) * 3600) - Math.max(j.arrival, h * 3600)) / 3600;
        const v = variable(p.pricePerGpuHour, p.market);
        terms.push(`${perGpuHour} ${v}`);
        bounds.push(`0 <= ${v} <= ${overlap * p.capacity}`);
        use(pi, h, v);
      }
    });
    rows.push(` job${ji}: ${terms.join(" + ")} >= ${tokens / 1e6}`);
  });

  trace.services.forEach((s, si) => {
    const svl = serverlessWorkerShape(s);
    for (let h = 0; h * 3600 < trace.horizonSeconds; h++) {
      const minutes = s.loadRps.subarray(h * 60, (h + 1) * 60);
      const meanLoad = minutes.reduce((a, b) => a + b, 0) / Math.max(1, minutes.length);
      const hours = minutes.length / 60;
      const terms: string[] = [];
      trace.pools.forEach((p, pi) => {
        const shape = bestOnlineShape(s, p.gpuType);
        if (!shape) return;
        const v = variable(p.pricePerGpuHour, p.market);
        terms.push(`${shape.rps / shape.tp} ${v}`);
        use(pi, h, v);
      });
      if (svl.rps > 0) {
        const v = variable(s.serverless.pricePerGpuSecond * 3600, "serverless");
        terms.push(`${svl.rps / svl.tp} ${v}`);
      }
      rows.push(` svc${si}h${h}: ${terms.join(" + ")} >= ${meanLoad * hours}`);
    }
  });

  for (const [key, vars] of poolUse) {
    const [pi, hour] = key.split(":").map(Number) as [number, number];
    rows.push(` cap${pi}h${hour}: ${vars.join(" + ")} <= ${trace.pools[pi]!.capacity}`);
  }
  const lp = `Minimize\n obj: ${obj.join(" + ")}\nSubject To\n${rows.join("\n")}\nBounds\n${bounds.join("\n")}\nEnd\n`;
  const solution = highs.solve(lp);
  const cost = { onDemand: 0, spot: 0, serverless: 0, total: 0 };
  let gpuHours = 0;
  for (const [name, col] of Object.entries(solution.Columns)) {
    const value = (col as { Primal: number }).Primal;
    if (!(value > 0)) continue;
    const c = value * price.get(name)!;
    const kind = market.get(name);
    if (kind === "spot") cost.spot += c;
    else if (kind === "serverless") cost.serverless += c;
    else cost.onDemand += c;
    gpuHours += value;
  }
  cost.total = cost.onDemand + cost.spot + cost.serverless;
  return { cost, gpuHours, variables: n, status: solution.Status };
}
