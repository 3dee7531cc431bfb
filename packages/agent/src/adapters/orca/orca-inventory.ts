import { TP_DEGREES } from "@koi/catalog";
import {
  orcaToKoiGpu,
  resolveOrcaInstance,
  type TGpuPool,
  type TOrcaInstance,
  type TOrcaQuotaStatus,
  type TOrcaResources,
} from "@koi/contracts";

const KOI_MARKET = { spot: "spot", on_demand: "on-demand" } as const;

/**
 * Orca's `/resources` + `/quota/status` → GPU pools (ENGINE_CONTRACTS C.5). Quota is vCPU per
 * (region, market, family); GPUs = ⌊free vCPU ÷ vCPU per instance⌋ × GPUs per instance, using the
 * GPU type's densest instance. A missing quota row means zero, so every GPU type gets a pool in
 * every known (region, market), possibly empty. GPU types in one family share that family's quota.
 *
 * A100-80GB pools are left out on purpose: Orca resolves "A100" to p4d (40 GB) and can never
 * launch p4de, so offering 80 GB A100s to the planner would be a lie. Spot prices are null (Orca
 * only knows on-demand list prices); Koi fills them from its catalog. `replicaSizes` are the TP
 * degrees Orca launches on a machine of exactly that many GPUs (a TP4 H100 replica gets a whole
 * 8-GPU p5.48xlarge, so H100 offers only 8).
 */
export function inventoryFromOrca(resources: TOrcaResources, quotaStatus: TOrcaQuotaStatus | null): TGpuPool[] {
  const byGpu = new Map<string, TOrcaInstance>();
  for (const instance of resources.instances) {
    const gpu = orcaToKoiGpu(instance.gpu_type, instance.gpu_memory_gb);
    if (gpu === "A100-80GB") continue;
    const best = byGpu.get(gpu);
    if (
      !best ||
      instance.gpus_per_instance / instance.vcpus > best.gpus_per_instance / best.vcpus ||
      (instance.gpus_per_instance / instance.vcpus === best.gpus_per_instance / best.vcpus &&
        instance.gpus_per_instance > best.gpus_per_instance)
    ) {
      byGpu.set(gpu, instance);
    }
  }
  const regions = new Set(resources.quotas.map((q) => q.region));
  const usedFromStatus = new Map<string, number>();
  for (const row of quotaStatus?.quota_usage ?? [])
    usedFromStatus.set(`${row.Region}|${row.Market}|${row.Family}`, row.Used);

  const pools: TGpuPool[] = [];
  for (const [gpuType, instance] of [...byGpu.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const replicaSizes = TP_DEGREES.filter((tp) => resolveOrcaInstance(instance.gpu_type, tp)?.gpus === tp);
    for (const region of [...regions].sort()) {
      for (const market of ["on_demand", "spot"] as const) {
        const row = resources.quotas.find(
          (q) => q.family === instance.quota_family && q.region === region && q.market === market,
        );
        const baseline = row?.baseline_vcpus ?? 0;
        const used = Math.max(
          row?.used_vcpus ?? 0,
          usedFromStatus.get(`${region}|${market}|${instance.quota_family}`) ?? 0,
        );
        const toGpus = (vcpus: number) => Math.floor(Math.max(0, vcpus) / instance.vcpus) * instance.gpus_per_instance;
        const total = toGpus(baseline);
        pools.push({
          id: `orca:${region}:${KOI_MARKET[market]}:${gpuType}`,
          gpuType,
          market: KOI_MARKET[market],
          region,
          total,
          available: Math.min(total, toGpus(baseline - used)),
          quota: total,
          pricePerGpuHour:
            market === "on_demand"
              ? Math.round((instance.cost_per_instance_hour_usd / instance.gpus_per_instance) * 10_000) / 10_000
              : null,
          ...(replicaSizes.length ? { replicaSizes } : {}),
        });
      }
    }
  }
  return pools;
}
