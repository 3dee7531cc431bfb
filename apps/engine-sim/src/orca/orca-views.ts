import { lookupPrice } from "@koi/catalog";
import { ORCA_INSTANCES, isResourcesInstance, orcaToKoiGpu } from "@koi/contracts";
import type { OrcaEngine } from "./orca-engine.ts";
import { baselineVcpus, usedVcpus } from "./orca-capacity.ts";
import { TERMINAL_PHASES, type TJob, type TOrcaMarket } from "./orca-state.ts";

const round = (x: number, dp: number) => Math.round(x * 10 ** dp) / 10 ** dp;

export function chunksProgress(job: TJob) {
  const count = (state: string) => job.chunks.filter((c) => c.state === state).length;
  const total = job.chunks.length;
  const completed = count("completed");
  const failed = count("failed");
  return {
    total,
    pending: count("pending"),
    inflight: count("inflight"),
    completed,
    failed,
    all_done: total > 0 && completed + failed >= total,
  };
}

export function jobView(job: TJob) {
  const progress = chunksProgress(job);
  return {
    job_id: job.id,
    status: job.status,
    progress: progress.total > 0 ? round((progress.completed + progress.failed) / progress.total, 4) : 0,
    num_lines: job.numLines,
    model_name: job.model,
    head_ip: null,
    endpoint_url: null,
    created_at: job.createdAt,
    last_updated_at: job.updatedAt,
  };
}

export function replicasView(job: TJob | undefined) {
  if (!job) return { replicas: [] };
  return {
    replicas: [...job.replicas.values()].map((r) => ({
      replica_id: r.id,
      phase: r.phase,
      region: r.region,
      market: r.market,
      instance_type: r.instanceType,
      has_metrics: r.hasMetrics,
      // Koi's prefill/decode extension names each side; Orca's colocated replicas carry no role.
      ...(r.role === "both" ? {} : { koi_role: r.role }),
    })),
  };
}

/** On-demand USD per GPU-hour: the configured on-demand pool's price, else the planner's catalog. */
function onDemandPerGpu(engine: OrcaEngine, gpuType: string, memoryGb: number): number | undefined {
  for (const cluster of engine.config.clusters) {
    const pool = cluster.pools.find(
      (p) => p.gpuType === gpuType && p.market === "on_demand" && p.pricePerGpuHour !== undefined,
    );
    if (pool) return pool.pricePerGpuHour;
  }
  return lookupPrice({ gpuType: orcaToKoiGpu(gpuType, memoryGb), market: "on-demand" })?.pricePerGpuHour;
}

/** `GET /resources` (C.5). */
export function resourcesView(engine: OrcaEngine, localIsoNow: string) {
  const gpuTypes = new Set(engine.config.clusters.flatMap((c) => c.pools.map((p) => p.gpuType)));
  const instances = ORCA_INSTANCES.filter(
    (i) => gpuTypes.has(i.gpuType as never) && isResourcesInstance(i.instanceType),
  ).flatMap((i) => {
    const price = onDemandPerGpu(engine, i.gpuType, i.gpuMemoryGb);
    if (price === undefined) return []; // instances without a price are omitted
    return [
      {
        instance_type: i.instanceType,
        gpu_type: i.gpuType,
        gpus_per_instance: i.gpus,
        vcpus: i.vcpus,
        quota_family: i.quotaFamily,
        gpu_memory_gb: i.gpuMemoryGb,
        interconnect: i.instanceType.startsWith("p") ? "NVLink" : "PCIe",
        cost_per_instance_hour_usd: round(price * i.gpus, 4),
      },
    ];
  });
  const quotas: Record<string, unknown>[] = [];
  for (const cluster of engine.config.clusters) {
    for (const family of ["P5", "P4_P3_P2", "G"]) {
      for (const market of ["on_demand", "spot"] as TOrcaMarket[]) {
        const baseline = baselineVcpus(engine.config, cluster.name, family, market);
        if (baseline === 0) continue; // zero-baseline rows are omitted
        quotas.push({
          family,
          region: cluster.region,
          market,
          baseline_vcpus: baseline,
          used_vcpus: usedVcpus(engine, cluster.name, family, market),
        });
      }
    }
  }
  // (code reading) chunked jobs count the parent entry and every provisioned replica: double counting.
  const allocated: Record<string, number> = {};
  for (const job of engine.jobs.values()) {
    if (["succeeded", "failed", "cancelled"].includes(job.status)) continue;
    allocated[job.primary.gpuType] =
      (allocated[job.primary.gpuType] ?? 0) + job.initialReplicas * job.primary.tp * job.primary.pp;
    for (const r of job.replicas.values()) {
      if (r.phase !== "provisioned" && r.phase !== "running") continue;
      const gpu = r.configs[r.attempt]!.gpuType;
      allocated[gpu] = (allocated[gpu] ?? 0) + r.nodes * r.gpusPerInstance;
    }
  }
  return { vpc_id: "orca-cluster", snapshot_time: localIsoNow, instances, quotas, allocated_gpus: allocated };
}

/** `GET /quota/status` (C.4): only (region, market, family) tuples that hold reservations. */
export function quotaStatusView(engine: OrcaEngine) {
  const keys = new Map<string, { cluster: string; region: string; market: TOrcaMarket; family: string }>();
  for (const r of engine.reservations)
    keys.set(`${r.cluster}|${r.market}|${r.family}`, {
      cluster: r.cluster,
      region: r.region,
      market: r.market,
      family: r.family,
    });
  const quota_usage = [...keys.values()].map(({ cluster, region, market, family }) => {
    const baseline = baselineVcpus(engine.config, cluster, family, market);
    const used = usedVcpus(engine, cluster, family, market);
    return {
      Region: region,
      Market: market,
      Family: family,
      Baseline: baseline,
      Used: used,
      Available: baseline - used,
      // As Orca's tracker formats it (f"{used / baseline * 100:.1f}%", or "N/A").
      "Usage %": baseline > 0 ? `${((used / baseline) * 100).toFixed(1)}%` : "N/A",
    };
  });
  const active_reservations = engine.reservations.map((r) => ({
    cluster_name: r.replicaId,
    region: r.region,
    market: r.market,
    instance_type: r.instanceType,
    num_instances: r.nodes,
    family_type: r.family,
    vcpu_reserved: r.vcpus,
    reserved_at: r.reservedAt,
  }));
  return { status: "success", quota_usage, active_reservations };
}

export function liveReplicaCount(job: TJob): number {
  return [...job.replicas.values()].filter((r) => !TERMINAL_PHASES.includes(r.phase)).length;
}
