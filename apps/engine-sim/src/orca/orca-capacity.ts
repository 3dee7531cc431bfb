import { ORCA_INSTANCES, isResourcesInstance, type TOrcaInstanceSpec } from "@koi/contracts";
import type { TOrcaSimConfig } from "../config.ts";
import type { TJob, TLaunchConfig, TOrcaMarket, TReplica, TReservation } from "./orca-state.ts";

type TEngineLike = { config: TOrcaSimConfig; reservations: TReservation[]; now: number };

/**
 * The densest `/resources` instance of a GPU type (most GPUs per vCPU, then most GPUs): quota
 * vCPU ↔ GPUs use its ratio, the same rule the agent applies when it reads `/resources` (C.5).
 */
export function quotaInstance(gpuType: string): TOrcaInstanceSpec {
  const candidates = ORCA_INSTANCES.filter((i) => i.gpuType === gpuType && isResourcesInstance(i.instanceType));
  const density = (i: TOrcaInstanceSpec) => i.gpus / i.vcpus;
  return candidates.reduce(
    (best, i) => (density(i) > density(best) || (density(i) === density(best) && i.gpus > best.gpus) ? i : best),
    candidates[0]!,
  );
}

/** vCPU quota (baseline) per cluster, family and market, from the configured GPU counts. */
export function baselineVcpus(config: TOrcaSimConfig, cluster: string, family: string, market: TOrcaMarket): number {
  const c = config.clusters.find((x) => x.name === cluster);
  if (!c) return 0;
  return c.pools
    .filter((p) => p.market === market && quotaInstance(p.gpuType).quotaFamily === family)
    .reduce((sum, p) => {
      const instance = quotaInstance(p.gpuType);
      return sum + Math.ceil(p.gpus / instance.gpus) * instance.vcpus;
    }, 0);
}

export function usedVcpus(engine: TEngineLike, cluster: string, family: string, market: TOrcaMarket): number {
  return engine.reservations
    .filter((r) => r.cluster === cluster && r.family === family && r.market === market)
    .reduce((s, r) => s + r.vcpus, 0);
}

/** First cluster with GPUs of this type and market and enough free vCPU quota, or null. */
export function freeCapacity(
  engine: TEngineLike,
  config: TLaunchConfig,
  instance: TOrcaInstanceSpec,
  nodes: number,
): { name: string; region: string } | null {
  const vcpus = instance.vcpus * nodes;
  const gpus = instance.gpus * nodes;
  for (const cluster of engine.config.clusters) {
    const pool = cluster.pools.find((p) => p.gpuType === config.gpuType && p.market === config.market);
    if (!pool) continue;
    const usedGpus = engine.reservations
      .filter((r) => r.cluster === cluster.name && r.gpuType === config.gpuType && r.market === config.market)
      .reduce((s, r) => s + r.gpus, 0);
    if (usedGpus + gpus > pool.gpus) continue;
    const free =
      baselineVcpus(engine.config, cluster.name, instance.quotaFamily, config.market) -
      usedVcpus(engine, cluster.name, instance.quotaFamily, config.market);
    if (free >= vcpus) return { name: cluster.name, region: cluster.region };
  }
  return null;
}

export function reserve(
  engine: TEngineLike,
  r: TReplica,
  job: TJob,
  cluster: { name: string; region: string },
  config: TLaunchConfig,
  instance: TOrcaInstanceSpec,
): void {
  engine.reservations.push({
    replicaId: r.id,
    jobId: job.id,
    cluster: cluster.name,
    region: cluster.region,
    market: config.market,
    family: instance.quotaFamily,
    gpuType: config.gpuType,
    instanceType: instance.instanceType,
    nodes: r.nodes,
    vcpus: instance.vcpus * r.nodes,
    gpus: instance.gpus * r.nodes,
    reservedAt: engine.now,
  });
}

export function release(engine: TEngineLike, replicaId: string): void {
  const index = engine.reservations.findIndex((r) => r.replicaId === replicaId);
  if (index >= 0) engine.reservations.splice(index, 1);
}
