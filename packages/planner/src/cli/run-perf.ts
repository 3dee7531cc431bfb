import { findGpu, findModel } from "@koi/catalog";
import { predictPerformance } from "../perf/predict-performance.ts";
import { ZPrecision } from "../types.ts";
import { formatTable, numberFlag, parseFlags, requireFlag, UsageError, type TCliIo } from "./cli-io.ts";

export const PERF_USAGE =
  "koi perf --model M --gpu G --tp N --input I --output O [--batch B] [--precision bf16|fp8|int4] [--json]";

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

export function runPerf(argv: readonly string[], io: TCliIo): number {
  const flags = parseFlags(argv, ["model", "gpu", "tp", "input", "output", "batch", "precision"], ["json"]);
  const modelName = requireFlag(flags, "model");
  const model = findModel(modelName);
  const gpu = findGpu(requireFlag(flags, "gpu"));
  const tp = numberFlag(flags, "tp", { integer: true, min: 1 }) ?? 1;
  const inputTokens = numberFlag(flags, "input", { min: 1 });
  const outputTokens = numberFlag(flags, "output", { min: 1 });
  if (inputTokens === undefined) throw new UsageError("missing --input (mean prompt tokens)");
  if (outputTokens === undefined) throw new UsageError("missing --output (mean generated tokens)");
  const precisionFlag = flags.values.get("precision");
  const precision = precisionFlag === undefined ? undefined : ZPrecision.safeParse(precisionFlag).data;
  if (precisionFlag !== undefined && precision === undefined)
    throw new UsageError(`--precision must be bf16, fp8 or int4, got "${precisionFlag}"`);

  const r = predictPerformance({
    // Keep the name so "…-FP8" checkpoints are read as FP8.
    model: modelName,
    gpu,
    tp,
    inputTokens,
    outputTokens,
    precision,
    batch: numberFlag(flags, "batch", { integer: true, min: 1 }),
  });
  const json = {
    model: model.id,
    gpu: gpu.id,
    tp,
    precision: r.precision,
    fits: r.fits,
    ...(r.reason ? { reason: r.reason } : {}),
    maxConcurrency: r.maxConcurrency,
    batch: r.batch,
    tokensPerSecond: round(r.tokensPerSecond),
    outputTokensPerSecond: round(r.outputTokensPerSecond),
    requestsPerSecond: round(r.requestsPerSecond, 3),
    ttftMs: round(r.ttftMs),
    ttftP95Ms: round(r.ttftP95Ms),
    tpotMs: round(r.tpotMs, 2),
    tpotP95Ms: round(r.tpotP95Ms, 2),
    weightsGbPerGpu: round(r.weightsGbPerGpu, 2),
    kvCacheGb: round(r.kvCacheGb, 2),
    kvBytesPerToken: r.kvBytesPerToken,
    bound: r.bound,
  };
  if (flags.switches.has("json")) {
    io.out(JSON.stringify(json, null, 2));
    return 0;
  }
  io.out(`${model.id} on ${tp} × ${gpu.id} (TP ${tp}, ${r.precision}), ${inputTokens} in / ${outputTokens} out tokens`);
  if (!r.fits) {
    io.out(`does not fit: ${r.reason}`);
    return 0;
  }
  io.out(
    formatTable(
      ["metric", "value"],
      [
        ["weights per GPU", `${json.weightsGbPerGpu} GB`],
        ["KV cache (all GPUs)", `${json.kvCacheGb} GB`],
        ["max concurrency", `${r.maxConcurrency} sequences`],
        ["batch modelled", `${r.batch} sequences`],
        ["throughput", `${json.tokensPerSecond} tok/s (input + output)`],
        ["output throughput", `${json.outputTokensPerSecond} tok/s`],
        ["requests", `${json.requestsPerSecond} req/s`],
        ["TTFT (mean / p95)", `${json.ttftMs} / ${json.ttftP95Ms} ms`],
        ["TPOT (mean / p95)", `${json.tpotMs} / ${json.tpotP95Ms} ms`],
        ["decode step bound", r.bound],
      ],
    ),
  );
  return 0;
}
