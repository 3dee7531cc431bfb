import { selectGpusWith } from "../../src/select/select-gpus.ts";
import { boundFleetHindsight } from "../../src/sim/bound-fleet-hindsight.ts";
import { boundOnlineIntegral } from "../../src/sim/bound-online-integral.ts";
import type { TFleetResult, TFleetTrace } from "../../src/sim/fleet-types.ts";
import { createKoiPolicy } from "../../src/sim/policy-koi.ts";
import { createOrcaRooflinePolicy } from "../../src/sim/policy-orca-roofline.ts";
import {
  createStaticFleetPolicy,
  sizeStaticFleet,
  type TStaticFleetSizing,
} from "../../src/sim/policy-static-fleet.ts";
import { simulateFleet } from "../../src/sim/simulate-fleet.ts";
import type { TCapacity, TWorkload } from "../../src/types.ts";

export type TFleetRuns = {
  koi: TFleetResult;
  odPeak: TFleetResult & { sizing: TStaticFleetSizing };
  cheapestSingle: TFleetResult & { sizing: TStaticFleetSizing };
  orca: TFleetResult;
  /** Orca's rule allowed the markets Koi uses (on-demand and spot). */
  orcaSameMarkets: TFleetResult;
  /** Koi on the batch jobs alone and on the online services alone, to split its gap to the bounds. */
  koiBatchOnly: TFleetResult;
  koiOnlineOnly: TFleetResult;
  bound: {
    relaxed: number;
    relaxedBatch: number;
    integralOnline: number;
    relaxedOnline: number;
    tight: number;
    status: string;
    variables: number;
  };
  koiSeconds: number;
};

/** A static fleet may grow its own on-demand pool to the size it needs: it is bought for peak. */
function withPoolFor(trace: TFleetTrace, sizing: TStaticFleetSizing): TFleetTrace {
  return {
    ...trace,
    pools: trace.pools.map((p) =>
      p.gpuType === sizing.gpuType && p.market === "on-demand"
        ? { ...p, capacity: Math.max(p.capacity, sizing.totalGpus) }
        : p,
    ),
  };
}

export function createKoiSelect() {
  // Koi's policy applies its own margins and re-plans from observed progress, so the optimiser is
  // asked for the exact target at the model's median rather than sized at P90 up front.
  return (workload: TWorkload, capacity: TCapacity) =>
    selectGpusWith(workload, capacity, { safetyMargin: 0, alternatives: 0, risk: "p50" });
}

export async function runFleetPolicies(trace: TFleetTrace): Promise<TFleetRuns> {
  const select = createKoiSelect();
  const started = performance.now();
  const koi = await simulateFleet(trace, createKoiPolicy({ select }));
  const koiSeconds = (performance.now() - started) / 1000;

  const odSizing = sizeStaticFleet(trace, "H100-SXM")!;
  const odTrace = withPoolFor(trace, odSizing);
  const odPeak = {
    ...(await simulateFleet(odTrace, createStaticFleetPolicy("on-demand H100 at peak", odTrace, "H100-SXM"))),
    sizing: odSizing,
  };

  const cheapest = ["H100-SXM", "A100-80GB", "L40S", "L4"]
    .map((g) => sizeStaticFleet(trace, g))
    .filter((s): s is TStaticFleetSizing => s !== null)
    .sort((a, b) => a.costPerHour - b.costPerHour)[0]!;
  const cheapTrace = withPoolFor(trace, cheapest);
  const cheapestSingle = {
    ...(await simulateFleet(
      cheapTrace,
      createStaticFleetPolicy(`cheapest single type (${cheapest.gpuType}), static`, cheapTrace, cheapest.gpuType),
    )),
    sizing: cheapest,
  };

  const orca = await simulateFleet(trace, createOrcaRooflinePolicy());
  const orcaSameMarkets = await simulateFleet(trace, createOrcaRooflinePolicy({ markets: ["on-demand", "spot"] }));
  const koiBatchOnly = await simulateFleet({ ...trace, services: [] }, createKoiPolicy({ select }));
  const koiOnlineOnly = await simulateFleet({ ...trace, jobs: [] }, createKoiPolicy({ select }));

  const relaxed = await boundFleetHindsight(trace);
  const relaxedBatch = await boundFleetHindsight({ ...trace, services: [] });
  const integralOnline = boundOnlineIntegral(trace).cost;
  const relaxedOnline = await boundFleetHindsight({ ...trace, jobs: [] });
  return {
    koi,
    odPeak,
    cheapestSingle,
    orca,
    orcaSameMarkets,
    koiBatchOnly,
    koiOnlineOnly,
    koiSeconds,
    bound: {
      relaxed: relaxed.cost.total,
      relaxedBatch: relaxedBatch.cost.total,
      integralOnline,
      relaxedOnline: relaxedOnline.cost.total,
      tight: relaxedBatch.cost.total + integralOnline,
      status: relaxed.status,
      variables: relaxed.variables,
    },
  };
}
