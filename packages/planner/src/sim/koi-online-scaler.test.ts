import { describe, expect, it } from "vitest";
import { selectGpusWith } from "../select/select-gpus.ts";
import type { TFleetAction, TFleetView, TReplica } from "./fleet-types.ts";
import { generateFleetTrace } from "./generate-fleet-trace.ts";
import { createOnlineScaler } from "./koi-online-scaler.ts";
import { onlineReplicaRps } from "./replica-throughput.ts";

const trace = generateFleetTrace({ seed: 5, days: 1 });
const assistant = trace.services.find((s) => s.model === "llama-3.1-70b")!;
const rps = (tp: number) =>
  onlineReplicaRps(
    assistant.model,
    "A100-80GB",
    tp,
    assistant.inputTokens,
    assistant.outputTokens,
    assistant.ttftP95Ms,
    assistant.tpotP95Ms,
  );

function scaler() {
  return createOnlineScaler((spec, requestsPerSecond, capacity) => {
    const plan = selectGpusWith(
      {
        kind: "online",
        model: spec.model,
        avgInputTokens: spec.inputTokens,
        avgOutputTokens: spec.outputTokens,
        requestsPerSecond,
        ttftP95Ms: spec.ttftP95Ms,
        tpotP95Ms: spec.tpotP95Ms,
      },
      capacity,
      { safetyMargin: 0, alternatives: 0, risk: "p50" },
    );
    return plan.replicas;
  });
}

function replica(id: string, tp: number, readyAt: number): TReplica {
  return {
    id,
    poolId: "A100-80GB/spot",
    gpuType: "A100-80GB",
    market: "spot",
    tp,
    workloadId: assistant.id,
    startedAt: 0,
    readyAt,
  };
}

function view(now: number, loadRps: number, replicas: TReplica[]): TFleetView {
  const used = new Map<string, number>();
  for (const r of replicas) used.set(r.poolId, (used.get(r.poolId) ?? 0) + r.tp);
  return {
    now,
    trace,
    pools: trace.pools.map((p) => ({ ...p, used: used.get(p.id) ?? 0 })),
    replicas,
    jobs: new Map(),
    services: [{ spec: assistant, loadRps }],
  };
}

const adds = (actions: TFleetAction[]) =>
  actions.flatMap((a) => (a.kind === "add" ? [{ poolId: a.poolId, tp: a.tp, count: a.count }] : []));
const removes = (actions: TFleetAction[]) => actions.flatMap((a) => (a.kind === "remove" ? [a.replicaId] : []));

describe("the fleet simulator's online scaler", () => {
  it("has the A100 replica sizes this test assumes: TP8 serves more than two TP4s per dollar", () => {
    expect(rps(8)).toBeGreaterThan(2 * rps(4));
  });

  it("grows a service on TP4 replicas with a TP8 replica, towards the cheapest mix, not another TP4", () => {
    const twoTp4 = [replica("a", 4, 0), replica("b", 4, 0)];
    const load = 2 * rps(4) + 0.4;
    const actions = scaler()(view(3600, load, twoTp4));
    expect(adds(actions)).toEqual([{ poolId: "A100-80GB/spot", tp: 8, count: 1 }]);
    expect(removes(actions)).toEqual([]);
  });

  it("drops the replaced replicas only once the new one serves, after the downscale delay", () => {
    const scale = scaler();
    const fleet = [replica("a", 4, 0), replica("b", 4, 0), replica("c", 8, 3600 + 900)];
    const load = rps(8) * 0.9;
    // Serving replicas (the two TP4s) carry less than the target while the TP8 boots: none go.
    for (const t of [3600, 3600 + 660]) expect(removes(scale(view(t, load, fleet)))).toEqual([]);
    // The TP8 serves from 3600 + 900: the surplus TP4s go after ten more minutes, not before.
    expect(removes(scale(view(3600 + 960, load, fleet)))).toEqual([]);
    expect(removes(scale(view(3600 + 960 + 600, load, fleet))).sort()).toEqual(["a", "b"]);
  });
});
