import { TP_DEGREES } from "@koi/catalog";
import type { TFleetTrace } from "./fleet-types.ts";
import { serverlessWorkerShape } from "./account-online-minute.ts";
import { onlineReplicaRps } from "./replica-throughput.ts";

const GRID = 0.05;

/**
 * A tighter lower bound for the online part: every minute is served by the cheapest *whole*
 * replicas (any mix of GPU type, TP, market, or serverless workers) whose capacity covers that
 * minute's load, with no startup, no headroom, no capacity limits and perfect knowledge of the
 * load. Exact by unbounded-knapsack DP on a 0.05 req/s grid; item capacities are rounded up and
 * loads down, so rounding can only lower the bound.
 */
export function boundOnlineIntegral(trace: TFleetTrace): { cost: number; gpuHours: number } {
  let cost = 0;
  let gpuHours = 0;
  for (const s of trace.services) {
    const items: { cap: number; price: number; gpus: number }[] = [];
    for (const p of trace.pools) {
      for (const tp of TP_DEGREES) {
        const rps = onlineReplicaRps(s.model, p.gpuType, tp, s.inputTokens, s.outputTokens, s.ttftP95Ms, s.tpotP95Ms);
        if (rps > 0) items.push({ cap: Math.ceil(rps / GRID), price: p.pricePerGpuHour * tp, gpus: tp });
      }
    }
    const svl = serverlessWorkerShape(s);
    if (svl.rps > 0)
      items.push({
        cap: Math.ceil(svl.rps / GRID),
        price: s.serverless.pricePerGpuSecond * 3600 * svl.tp,
        gpus: svl.tp,
      });
    let maxLoad = 0;
    for (const l of s.loadRps) maxLoad = Math.max(maxLoad, l);
    const cells = Math.floor(maxLoad / GRID) + 1;
    const best = new Float64Array(cells).fill(Infinity);
    const gpus = new Float64Array(cells);
    best[0] = 0;
    for (let c = 1; c < cells; c++) {
      for (const it of items) {
        const prev = Math.max(0, c - it.cap);
        const v = best[prev]! + it.price;
        if (v < best[c]!) {
          best[c] = v;
          gpus[c] = gpus[prev]! + it.gpus;
        }
      }
    }
    for (const l of s.loadRps) {
      const c = Math.floor(l / GRID);
      cost += best[c]! / 60;
      gpuHours += gpus[c]! / 60;
    }
  }
  return { cost, gpuHours };
}
