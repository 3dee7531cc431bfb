import {
  normalizeOrcaGpuName,
  resolveOrcaInstance,
  type TOrcaScaleRequest,
  type TOrcaSwapRequest,
} from "@koi/contracts";
import { OrcaApiError, type OrcaEngine } from "./orca-engine.ts";
import { TERMINAL_PHASES, type TJob, type TLaunchConfig } from "./orca-state.ts";

/*
 * Orca's control endpoints (C.4) on the simulated engine: status codes and quirks as the real
 * handlers have them. Body validation (unknown keys → 500, swap without force → 500) is in orca-http.
 */

function assertMutable(job: TJob): void {
  if (["succeeded", "failed", "cancelled"].includes(job.status))
    throw new OrcaApiError(409, { detail: `Job ${job.id} is ${job.status}` });
}

function market(body: { planned_market?: "spot" | "on_demand"; on_demand?: boolean }, job: TJob): "spot" | "on_demand" {
  if (body.planned_market) return body.planned_market;
  if (body.on_demand === undefined) return job.market;
  return body.on_demand ? "on_demand" : "spot";
}

export function scaleJob(engine: OrcaEngine, jobId: string, body: TOrcaScaleRequest): Record<string, unknown> {
  const job = engine.job(jobId);
  assertMutable(job);
  let gpuType = body.gpu_type ? normalizeOrcaGpuName(body.gpu_type) : undefined;
  if (!gpuType) {
    const live = engine.liveReplicas(job)[0];
    if (!live) throw new OrcaApiError(400, { detail: "Cannot infer GPU config: no live replica; pass gpu_type" });
    gpuType = live.configs[live.attempt]!.gpuType;
  }
  // (code reading) an inferred config gets tp = pp = 1 unless they are given.
  const config: TLaunchConfig = { gpuType, tp: body.tp_size ?? 1, pp: body.pp_size ?? 1, market: market(body, job) };
  if (!resolveOrcaInstance(config.gpuType, config.tp))
    throw new OrcaApiError(400, { detail: `Cannot infer GPU config for ${config.gpuType} tp=${config.tp}` });
  const { ids, version } = engine.addReplicas(job, config, body.count);
  return { status: "scaling", new_replicas: ids, version };
}

export function swapJob(engine: OrcaEngine, jobId: string, body: TOrcaSwapRequest): Record<string, unknown> {
  const job = engine.job(jobId);
  assertMutable(job);
  if (job.swap) throw new OrcaApiError(409, { detail: `A swap is already in progress for ${job.id}` });
  const config: TLaunchConfig = {
    gpuType: normalizeOrcaGpuName(body.gpu_type),
    tp: body.tp_size ?? 1,
    pp: body.pp_size ?? 1,
    market: market(body, job),
  };
  if (!resolveOrcaInstance(config.gpuType, config.tp))
    throw new OrcaApiError(400, { detail: `Unknown GPU config ${config.gpuType} tp=${config.tp}` });
  const count = body.num_replicas ?? Math.max(1, engine.liveReplicas(job).length);
  const threshold = Math.min(body.ready_threshold ?? 1, count);
  const { old, ids, version } = engine.beginSwap(job, config, count, threshold);
  return { status: "swapping", old_replicas: old, new_replicas: ids, ready_threshold: threshold, version };
}

export function killReplicas(engine: OrcaEngine, jobId: string, replicaIds: string[]): Record<string, unknown> {
  const job = engine.job(jobId);
  const killed: string[] = [];
  const skipped: string[] = [];
  let reclaimed = 0;
  for (const id of replicaIds) {
    const r = job.replicas.get(id);
    if (!r || TERMINAL_PHASES.includes(r.phase)) {
      skipped.push(id);
      continue;
    }
    reclaimed += engine.kill(job, r, "killed");
    killed.push(id);
  }
  return { status: "killing", killed, skipped, reclaimed };
}
