import { latencyAtRate, meetsTargets, type TLatencyTargets } from "../online/latency-at-rate.ts";
import type { TReplicaProfile } from "../online/profile-replica.ts";
import type { TServerlessConfig } from "./online-week-types.ts";

type TWorker = { startedAt: number; readyAt: number; lastUsed: number; tp: number };

export type TServerlessMinute = {
  /** Requests that waited for a worker's cold start (their TTFT is at least the cold start). */
  delayed: number;
  /** Requests served by warm workers, and whether those workers kept the latency targets. */
  served: number;
  servedMeets: boolean;
};

/**
 * A serverless endpoint as Modal-style providers run it: a worker takes up to `concurrency`
 * requests; the provider starts another when all are full (up to `workersMax`) and stops a worker
 * `scaledownWindowSeconds` after its last request; `workersMin` stay up. Workers are billed per GPU
 * from start (cold start included) to stop. A request that finds no warm capacity waits for a cold
 * start, which by itself breaks any interactive TTFT target.
 */
export function createServerlessPool(args: {
  profile: (tp: number, speed: number) => TReplicaProfile;
  pricePerGpuSecond: number;
  coldStartSeconds: number;
}) {
  let workers: TWorker[] = [];
  let cost = 0;
  let gpuSeconds = 0;
  const bill = (w: TWorker, until: number): void => {
    const seconds = Math.max(0, until - w.startedAt) * w.tp;
    gpuSeconds += seconds;
    cost += seconds * args.pricePerGpuSecond;
  };

  return {
    /** Warm workers at the start (a pool that has been running). */
    warmUp(count: number, tp: number, t: number): void {
      for (let i = 0; i < count; i++) workers.push({ startedAt: t, readyAt: t, lastUsed: t, tp });
    },
    /**
     * One minute starting at t: `rps` arrives over `windowSeconds` of it (the time the router sends
     * traffic here), at `peakRps` while it does.
     */
    serve(
      t: number,
      rps: number,
      peakRps: number,
      windowSeconds: number,
      config: TServerlessConfig | null,
      speed: number,
      targets: TLatencyTargets,
    ): TServerlessMinute {
      const keep = config?.workersMin ?? 0;
      const window = config?.scaledownWindowSeconds ?? 0;
      workers.sort((a, b) => b.lastUsed - a.lastUsed);
      workers = workers.filter((w, i) => {
        if (i < keep || w.lastUsed + window > t) return true;
        bill(w, w.lastUsed + window);
        return false;
      });
      const requests = rps * 60;
      if (!config) return { delayed: requests, served: 0, servedMeets: true };
      const profile = args.profile(config.tp, speed);
      // A worker capped at `concurrency` in flight finishes at most the rate that keeps that many busy.
      const cap = Math.min(config.concurrency, profile.batch.at(-1)!);
      let perWorker = profile.rps[0]! * Math.min(1, cap);
      for (let i = 0; i < profile.batch.length && profile.batch[i]! <= cap; i++) perWorker = profile.rps[i]!;
      const wanted = requests > 0 && windowSeconds > 0 ? Math.ceil(peakRps / perWorker - 1e-9) : 0;
      const needed = Math.min(config.workersMax, Math.max(keep, wanted));
      const warm = workers.filter((w) => w.readyAt <= t).length;
      for (let i = workers.length; i < needed; i++)
        workers.push({ startedAt: t, readyAt: t + args.coldStartSeconds, lastUsed: t, tp: config.tp });
      if (requests <= 0) return { delayed: 0, served: 0, servedMeets: true };
      const warmRate = Math.min(peakRps, warm * perWorker);
      const short = peakRps > 0 ? 1 - warmRate / peakRps : 0;
      const delayedShare = short * Math.min(1, args.coldStartSeconds / Math.max(1, windowSeconds));
      // Beyond workersMax the excess queues behind full workers as well.
      const overflowShare = Math.max(0, peakRps - config.workersMax * perWorker) / Math.max(peakRps, 1e-9);
      const delayed = requests * Math.min(1, Math.max(delayedShare, overflowShare));
      for (const w of workers.slice(0, Math.max(needed, warm))) w.lastUsed = t + 60;
      const servedMeets =
        warm === 0 || meetsTargets(latencyAtRate(profile, Math.min(warmRate, peakRps) / Math.max(1, warm)), targets);
      return { delayed, served: requests - delayed, servedMeets };
    },
    close(t: number): { cost: number; gpuSeconds: number } {
      for (const w of workers) bill(w, t);
      workers = [];
      return { cost, gpuSeconds };
    },
  };
}
