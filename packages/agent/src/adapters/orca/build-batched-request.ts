import {
  KOI_TO_ORCA_GPU,
  KOI_TO_ORCA_WARNINGS,
  koiToOrcaMarket,
  type TDeployCommand,
  type TKoiPdGroup,
  type TOrcaPdBatchedRequest,
} from "@koi/contracts";

export type TBuildResult =
  { ok: true; body: TOrcaPdBatchedRequest; warnings: string[] } | { ok: false; reason: string };

/** Whether the deploy is a prefill/decode split (some group has a role other than colocated). */
export function isSplitDeploy(command: TDeployCommand): boolean {
  return (command.payload.groups ?? []).some((g) => g.role !== "both");
}

/** The split's groups in Orca's names (Koi's extension), or why Orca cannot launch one. */
function pdGroupsOf(command: TDeployCommand): TKoiPdGroup[] | string {
  const groups: TKoiPdGroup[] = [];
  for (const g of command.payload.groups ?? []) {
    if (g.role === "both") return "a plan mixing colocated and prefill/decode replicas cannot run as one Orca job";
    const gpu = KOI_TO_ORCA_GPU[g.gpuType];
    const market = koiToOrcaMarket(g.market);
    if (!gpu || !market || g.pp > 4)
      return `Orca cannot launch the ${g.role} group (${g.gpuType} TP${g.tp} PP${g.pp}, ${g.market})`;
    groups.push({
      role: g.role,
      gpu_type: gpu,
      tp_size: g.tp,
      pp_size: g.pp,
      replicas: g.replicas,
      planned_market: market,
    });
  }
  return groups;
}

/** Synthetic chunks for the simulator: enough of them that progress moves smoothly. */
function syntheticChunks(assignmentId: string, requests: number, replicas: number) {
  const count = Math.min(1000, Math.max(replicas * 4, Math.ceil(requests / 5000)), requests);
  const base = Math.floor(requests / count);
  return Array.from({ length: count }, (_, i) => ({
    chunk_id: `c${String(i).padStart(4, "0")}`,
    s3_input_path: `s3://koi-sim/${assignmentId}/chunks/c${String(i).padStart(4, "0")}.jsonl`,
    num_lines: base + (i < requests - base * count ? 1 : 0),
  }));
}

/**
 * A Koi deploy → Orca's BatchedRequest (C.2, B.3): user-specified placement with Koi's GPU, TP,
 * PP, replicas and market, the Koi decision fields, every required key, and `force: true` — Koi's
 * planner already checked the fit, and Orca's own check mis-sizes g6e.12xlarge (E.3). A
 * prefill/decode split adds its groups (`koi_pd_groups`), only for an engine that takes them.
 */
export function buildBatchedRequest(
  command: TDeployCommand,
  options: {
    userId: string;
    allowSyntheticInput: boolean;
    /** The engine declared `pd_disaggregation`: it takes `koi_pd_groups`. */
    splitRoles?: boolean;
  },
): TBuildResult {
  const { workload, placement, alternatives, decisionId, predictedTps } = command.payload;
  if (workload.kind !== "batch") return { ok: false, reason: "Orca runs batch workloads; online workloads go to Tuna" };
  const gpu = KOI_TO_ORCA_GPU[placement.gpuType];
  if (!gpu)
    return {
      ok: false,
      reason: `Orca cannot launch ${placement.gpuType}; it knows ${Object.keys(KOI_TO_ORCA_GPU).join(", ")}`,
    };
  const market = koiToOrcaMarket(placement.market);
  if (!market) return { ok: false, reason: `Orca launches spot or on-demand AWS capacity, not ${placement.market}` };
  if (placement.pp > 4) return { ok: false, reason: `Orca accepts pp_size 1–4, not ${placement.pp}` };
  const requests = workload.requests!;
  let pdGroups: TKoiPdGroup[] | null = null;
  if (isSplitDeploy(command)) {
    if (!options.splitRoles)
      return {
        ok: false,
        reason:
          "this Orca runs colocated replicas only: a prefill/decode plan needs an engine that declares pd_disaggregation",
      };
    const groups = pdGroupsOf(command);
    if (typeof groups === "string") return { ok: false, reason: groups };
    pdGroups = groups;
  }

  let chunks: TOrcaPdBatchedRequest["chunks"];
  if (workload.input?.chunks)
    chunks = workload.input.chunks.map((c) => ({ chunk_id: c.chunkId, s3_input_path: c.uri, num_lines: c.lines }));
  else if (workload.input) chunks = [{ chunk_id: "c0000", s3_input_path: workload.input.uri, num_lines: requests }];
  else if (options.allowSyntheticInput) chunks = syntheticChunks(command.assignmentId, requests, placement.replicas);
  else return { ok: false, reason: "workload.input is required: Orca reads chunked input from S3" };

  const warnings: string[] = [];
  // Orca feeds replicas from a queue of chunks: a replica past the chunk count boots, finds the
  // queue empty and sits idle, paid for.
  const replicas = Math.min(placement.replicas, chunks.length);
  if (replicas < placement.replicas)
    warnings.push(
      `${chunks.length} input chunk(s) feed ${replicas} replica(s), not the ${placement.replicas} planned: list the input's chunks (workload.input.chunks) to run more`,
    );
  const warning = KOI_TO_ORCA_WARNINGS[placement.gpuType];
  if (warning) warnings.push(warning);
  const koiAlternatives = alternatives.flatMap((alt) => {
    const altGpu = KOI_TO_ORCA_GPU[alt.gpuType];
    const altMarket = koiToOrcaMarket(alt.market);
    if (!altGpu || !altMarket || alt.pp > 4) {
      warnings.push(`alternative ${alt.gpuType} tp${alt.tp} pp${alt.pp} ${alt.market} dropped: Orca cannot launch it`);
      return [];
    }
    return [{ gpu_type: altGpu, tp: alt.tp, pp: alt.pp, dp: 1, planned_market: altMarket }];
  });
  const hoursLeft = workload.deadlineAt
    ? Math.max(0.1, (Date.parse(workload.deadlineAt) - Date.now()) / 3_600_000)
    : undefined;

  const body: TOrcaPdBatchedRequest = {
    user_id: options.userId,
    input_file: workload.input?.uri ?? chunks[0]!.s3_input_path,
    output_file: "output.jsonl",
    avg_output_tokens: workload.avgOutputTokens,
    description: `koi assignment ${command.assignmentId} (decision ${decisionId})`,
    task_type: "batch",
    task_priority: workload.priority ?? "normal",
    engine: "vllm",
    slo_mode: "batch",
    placement: "user_specified",
    model_name: workload.model,
    num_lines: requests,
    avg_input_tokens: workload.avgInputTokens,
    max_input_tokens: workload.maxInputTokens ?? workload.avgInputTokens,
    max_output_tokens: workload.maxOutputTokens ?? workload.avgOutputTokens,
    ...(hoursLeft === undefined ? {} : { slo_deadline_hours: Math.round(hoursLeft * 1000) / 1000 }),
    placement_solver: "user_specified",
    gpu_type: gpu,
    tp_size: placement.tp,
    pp_size: placement.pp,
    force: true,
    prefer_spot: market === "spot",
    planned_market: market,
    replicas,
    chunks,
    koi_alternatives: koiAlternatives.length > 0 ? koiAlternatives : null,
    koi_decision_id: decisionId,
    koi_predicted_tps: predictedTps,
    ...(pdGroups ? { koi_pd_groups: pdGroups, is_PD_disaggregation: true } : {}),
  };
  return { ok: true, body, warnings };
}
