import { lookupPrice } from "@koi/catalog";
import { createRandom } from "../random/seeded-random.ts";
import type { TPriority } from "../types.ts";
import type { TBatchJobSpec, TFleetTrace, TOnlineServiceSpec, TPoolSpec, TServerlessSpec } from "./fleet-types.ts";
import { spotHazardPerHour } from "./replica-throughput.ts";

const DAY = 86400;

/**
 * Spot Advisor bands (PERF_MODEL_AND_PRICES "Cold starts, provisioning delay, interruptions"):
 * p5 10–20% (15–20% in Feb 2026), p4d 5–10%, L4 <5%. L40S has no published band: we use 5–10%.
 * The band midpoint is the monthly reclaim fraction.
 */
const POOLS: { gpu: string; od: number; spot: number; band: string; monthly: number }[] = [
  { gpu: "H100-SXM", od: 64, spot: 32, band: "15–20% (p5, Feb 2026)", monthly: 0.175 },
  { gpu: "A100-80GB", od: 64, spot: 48, band: "5–10% (p4d)", monthly: 0.075 },
  { gpu: "L40S", od: 48, spot: 32, band: "5–10% (est., unpublished)", monthly: 0.075 },
  { gpu: "L4", od: 32, spot: 32, band: "<5% (g6)", monthly: 0.025 },
];

const MODELS: { id: string; share: number; minRequests: number; maxRequests: number }[] = [
  { id: "llama-3.1-8b", share: 0.45, minRequests: 5_000, maxRequests: 400_000 },
  { id: "qwen2.5-7b", share: 0.15, minRequests: 5_000, maxRequests: 400_000 },
  { id: "llama-3.1-70b", share: 0.3, minRequests: 1_000, maxRequests: 60_000 },
  { id: "qwen2.5-72b", share: 0.1, minRequests: 1_000, maxRequests: 60_000 },
];

/** SLO menu (hours) and the priority a job with that SLO usually carries. */
const SLOS: { hours: number; share: number; priorities: TPriority[] }[] = [
  { hours: 2, share: 0.12, priorities: ["urgent", "high"] },
  { hours: 4, share: 0.2, priorities: ["high", "normal"] },
  { hours: 8, share: 0.25, priorities: ["normal", "normal", "low"] },
  { hours: 12, share: 0.2, priorities: ["normal", "low"] },
  { hours: 24, share: 0.23, priorities: ["low"] },
];

const modal = (gpuType: string, coldStartSeconds: number): TServerlessSpec => ({
  gpuType,
  pricePerGpuSecond: (lookupPrice({ gpuType, market: "serverless", provider: "modal" })?.pricePerGpuHour ?? 0) / 3600,
  coldStartSeconds,
  idleWindowSeconds: 60,
  maxWorkers: 64,
});

const SERVICES = [
  {
    id: "chat-8b",
    model: "llama-3.1-8b",
    inputTokens: 1000,
    outputTokens: 250,
    ttftP95Ms: 1000,
    tpotP95Ms: 50,
    peakRps: 40,
    serverless: modal("L40S", 30),
  },
  {
    id: "assistant-70b",
    model: "llama-3.1-70b",
    inputTokens: 1500,
    outputTokens: 300,
    ttftP95Ms: 2000,
    tpotP95Ms: 80,
    peakRps: 8,
    serverless: modal("H100-SXM", 60),
  },
  {
    id: "rag-7b",
    model: "qwen2.5-7b",
    inputTokens: 2000,
    outputTokens: 150,
    ttftP95Ms: 1500,
    tpotP95Ms: 60,
    peakRps: 20,
    serverless: modal("L40S", 30),
  },
];

export type TFleetTraceOptions = { seed?: number; days?: number; jobsPerWeekday?: number };

/**
 * A seeded week of fleet demand: batch jobs arriving as a Poisson process (busier on weekday
 * afternoons), online services with a diurnal sinusoid, weekend dip and AR(1) noise, and AWS
 * us-east-1 pools with catalog prices and Spot Advisor preemption rates.
 */
export function generateFleetTrace(options: TFleetTraceOptions = {}): TFleetTrace {
  const seed = options.seed ?? 20260701;
  const days = options.days ?? 7;
  const horizonSeconds = days * DAY;
  const rng = createRandom(seed);
  const arrivals = rng.fork("arrivals");
  const shapes = rng.fork("job-shapes");

  const pools: TPoolSpec[] = [];
  for (const p of POOLS) {
    pools.push({
      id: `${p.gpu}/on-demand`,
      gpuType: p.gpu,
      market: "on-demand",
      capacity: p.od,
      pricePerGpuHour: lookupPrice({ gpuType: p.gpu, market: "on-demand" })!.pricePerGpuHour,
    });
    pools.push({
      id: `${p.gpu}/spot`,
      gpuType: p.gpu,
      market: "spot",
      capacity: p.spot,
      spotBand: p.band,
      pricePerGpuHour: lookupPrice({ gpuType: p.gpu, market: "spot", region: "us-east-1" })!.pricePerGpuHour,
      preemptionRatePerHour: spotHazardPerHour(p.monthly),
    });
  }

  const jobs: TBatchJobSpec[] = [];
  const perWeekday = options.jobsPerWeekday ?? 18;
  for (let hour = 0; hour < days * 24; hour++) {
    const weekend = Math.floor(hour / 24) % 7 >= 5;
    const hourOfDay = hour % 24;
    const rate = (perWeekday / 24) * (weekend ? 0.4 : 1) * (1 + 0.6 * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI));
    const n = arrivals.poisson(rate);
    for (let k = 0; k < n; k++) {
      const arrival = (hour + arrivals.next()) * 3600;
      const model = pick(shapes.next(), MODELS);
      const slo = pick(shapes.next(), SLOS);
      const requests =
        Math.round(Math.exp(shapes.uniform(Math.log(model.minRequests), Math.log(model.maxRequests))) / 100) * 100;
      jobs.push({
        id: `job-${String(jobs.length + 1).padStart(3, "0")}`,
        arrival,
        model: model.id,
        requests,
        inputTokens: Math.round(shapes.uniform(200, 2000) / 50) * 50,
        outputTokens: Math.round(shapes.uniform(100, 600) / 50) * 50,
        deadline: arrival + slo.hours * 3600,
        priority: slo.priorities[shapes.int(0, slo.priorities.length - 1)]!,
      });
    }
  }
  jobs.sort((a, b) => a.arrival - b.arrival);

  const loadRng = rng.fork("online-load");
  const services: TOnlineServiceSpec[] = SERVICES.map((s, i) => {
    const minutes = Math.ceil(horizonSeconds / 60);
    const loadRps = new Float64Array(minutes);
    let ar = 0;
    for (let m = 0; m < minutes; m++) {
      const day = Math.floor(m / 1440);
      const hourOfDay = (m % 1440) / 60;
      // Peak at 15:00, trough at 03:00 at 15% of peak; weekends at 60%.
      const diurnal = 0.575 + 0.425 * Math.sin(((hourOfDay - 9 - i) / 24) * 2 * Math.PI);
      ar = 0.95 * ar + loadRng.normal(0, 0.03);
      loadRps[m] = Math.max(0, s.peakRps * (day % 7 >= 5 ? 0.6 : 1) * diurnal * (1 + ar));
    }
    return { ...s, loadRps };
  });

  const factors = new Map<string, number>();
  const truth = rng.fork("perf-model-error");
  return {
    seed,
    horizonSeconds,
    pools,
    jobs,
    services,
    startupSeconds: 600,
    reassignSeconds: 120,
    throughputNoise: 0.08,
    routerPerHour: 0.04,
    trueFactor: (model, gpu) => {
      const key = `${model}|${gpu}`;
      let f = factors.get(key);
      if (f === undefined) {
        f = truth.fork(key).logNormal(1, 0.12);
        factors.set(key, f);
      }
      return f;
    },
  };
}

function pick<T extends { share: number }>(u: number, items: readonly T[]): T {
  let acc = 0;
  for (const item of items) {
    acc += item.share;
    if (u < acc) return item;
  }
  return items[items.length - 1]!;
}
