import type { TMetricsView, TPlacementView } from "./workloads.schema.ts";

// Decisions, placements and metrics are stored as JSON written by other services; read them
// defensively so a missing field shows as "—" instead of failing the whole page.
type TJson = Record<string, unknown>;
const obj = (v: unknown): TJson => (v && typeof v === "object" && !Array.isArray(v) ? (v as TJson) : {});
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown) => (typeof v === "string" && v ? v : null);

export function placementView(value: unknown): TPlacementView | null {
  const p = obj(value);
  const gpuType = str(p.gpuType);
  if (!gpuType) return null;
  const tp = num(p.tp) ?? 1;
  const pp = num(p.pp) ?? 1;
  const replicas = num(p.replicas) ?? num(p.count) ?? 1;
  return { gpuType, market: str(p.market) ?? "unknown", tp, pp, replicas, gpus: num(p.gpus) ?? tp * pp * replicas };
}

export function metricsView(value: unknown): TMetricsView {
  const m = obj(value);
  const throughput = obj(m.throughput);
  const replicas = obj(m.replicas);
  const routing = obj(m.routing);
  return {
    tokensPerSecond: num(throughput.tokensPerSecond),
    outputTokensPerSecond: num(throughput.outputTokensPerSecond),
    gpuUtilPct: num(m.gpuUtilPct),
    batchSize: num(m.batchSize),
    kvCacheHitRate: num(m.kvCacheHitRate),
    ttftMsP95: num(m.ttftMsP95),
    tpotMsP95: num(m.tpotMsP95),
    replicasLive: num(replicas.live),
    replicasTotal: num(replicas.total),
    pctSpot: num(routing.pctSpot),
    at: str(m.at),
  };
}

function replicasSummary(replicas: unknown): string | null {
  if (!Array.isArray(replicas) || !replicas.length) return null;
  return replicas
    .map((r) => {
      const g = obj(r);
      return `${num(g.count) ?? 1}× ${str(g.gpuType) ?? "?"} TP${num(g.tp) ?? 1} ${str(g.market) ?? ""}`.trim();
    })
    .join(" + ");
}

export function alternativeView(value: unknown) {
  const a = obj(value);
  return {
    summary: str(a.summary) ?? replicasSummary(a.replicas) ?? "alternative",
    gpus: num(a.gpus),
    costPerHour: num(a.costPerHour),
    totalCost: num(a.totalCost),
    costDelta: num(a.costDelta),
    predictedHours: num(a.predictedHours),
  };
}

export function decisionPlanView(value: unknown) {
  const p = obj(value);
  return {
    gpus: num(p.gpus),
    costPerHour: num(p.costPerHour),
    totalCost: num(p.totalCost),
    predictedHours: num(p.predictedHours),
    summary: str(p.summary) ?? replicasSummary(p.replicas),
  };
}

export function alternativesView(value: unknown) {
  return Array.isArray(value) ? value.slice(0, 10).map(alternativeView) : [];
}
