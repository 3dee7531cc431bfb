import { findGpu, findModel } from "@koi/catalog";
import { errorBand, parsePerfRows, predictPerformance, predictRow, type TRowResult } from "@koi/planner";
import { ZPrecision } from "@koi/contracts";
import { formatTable, numberFlag, parseFlags, requireFlag, UsageError, type TCliIo } from "./cli-io.ts";

export const PERF_USAGE =
  "koi perf --model M --gpu G --tp N [--pp N] [--nodes N] --input I --output O [--requests R] [--batch B] [--max-num-seqs S] [--cuda-graphs on|off] [--engine 'vllm 0.10.0'] [--precision bf16|fp8|int4] [--json]\n" +
  "          koi perf --rows FILE.csv [--json]   (one JSON object per row, in order)";

/** Four significant digits: the model is good to ~10%, more digits would be noise. */
const sig = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v.toPrecision(4)));

function readText(io: TCliIo, path: string): string {
  try {
    return io.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
}

function rowJson(r: TRowResult): object {
  if ("error" in r) return { error: r.error };
  return {
    tokensPerSecond: sig(r.tokensPerSecond),
    ttftMs: sig(r.ttftMs),
    tpotMs: sig(r.tpotMs),
    jobSeconds: sig(r.jobSeconds),
    band: r.band ? { p10: sig(r.band.p10), p90: sig(r.band.p90) } : null,
  };
}

function runRows(path: string, io: TCliIo): number {
  const rows = parsePerfRows(readText(io, path));
  for (const row of rows) io.out(JSON.stringify(rowJson(predictRow(row))));
  return 0;
}

function switchFlag(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === "on") return true;
  if (value === "off") return false;
  throw new UsageError(`--${name} must be on or off, got "${value}"`);
}

export function runPerf(argv: readonly string[], io: TCliIo): number {
  const flags = parseFlags(
    argv,
    [
      "model",
      "gpu",
      "tp",
      "pp",
      "nodes",
      "input",
      "output",
      "batch",
      "precision",
      "requests",
      "max-num-seqs",
      "cuda-graphs",
      "engine",
      "rows",
    ],
    ["json"],
  );
  const rowsFile = flags.values.get("rows");
  if (rowsFile !== undefined) return runRows(rowsFile, io);
  const modelName = requireFlag(flags, "model");
  const model = findModel(modelName);
  const gpu = findGpu(requireFlag(flags, "gpu"));
  const tp = numberFlag(flags, "tp", { integer: true, min: 1 }) ?? 1;
  const pp = numberFlag(flags, "pp", { integer: true, min: 1 }) ?? 1;
  const inputTokens = numberFlag(flags, "input", { integer: true, min: 1 });
  const outputTokens = numberFlag(flags, "output", { integer: true, min: 1 });
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
    pp,
    nodes: numberFlag(flags, "nodes", { integer: true, min: 1 }),
    inputTokens,
    outputTokens,
    precision,
    batch: numberFlag(flags, "batch", { integer: true, min: 1 }),
    requests: numberFlag(flags, "requests", { integer: true, min: 1 }),
    maxNumSeqs: numberFlag(flags, "max-num-seqs", { integer: true, min: 1 }),
    cudaGraphs: switchFlag(flags.values.get("cuda-graphs"), "cuda-graphs"),
    engine: flags.values.get("engine"),
  });
  // A replica that cannot exist (TP vs heads, context) is a bad request, not a "does not fit".
  if (r.misfit === "shape" || r.misfit === "context") throw new UsageError(r.reason ?? "impossible configuration");
  const band = r.fits ? errorBand("tokensPerSecond", r.tokensPerSecond, gpu.id) : null;
  const json = {
    model: model.id,
    gpu: gpu.id,
    tp,
    pp,
    nodes: r.nodes,
    precision: r.precision,
    fits: r.fits,
    ...(r.reason ? { reason: r.reason } : {}),
    tokensPerSecond: sig(r.tokensPerSecond),
    ttftMs: sig(r.ttftMs),
    tpotMs: sig(r.tpotMs),
    jobSeconds: sig(r.jobSeconds),
    band: band ? { p10: sig(band.p10), p90: sig(band.p90) } : null,
    maxConcurrency: sig(r.maxConcurrency),
    batch: sig(r.batch),
    outputTokensPerSecond: sig(r.outputTokensPerSecond),
    requestsPerSecond: sig(r.requestsPerSecond),
    ttftP95Ms: sig(r.ttftP95Ms),
    tpotP95Ms: sig(r.tpotP95Ms),
    weightsGbPerGpu: sig(r.weightsGbPerGpu),
    kvCacheGb: sig(r.kvCacheGb),
    kvBytesPerToken: r.kvBytesPerToken,
    bound: r.bound,
  };
  if (flags.switches.has("json")) {
    io.out(JSON.stringify(json, null, 2));
    return 0;
  }
  const layout = pp > 1 ? `TP ${tp} × PP ${pp} on ${r.nodes} machine${r.nodes > 1 ? "s" : ""}` : `TP ${tp}`;
  io.out(
    `${model.id} on ${tp * pp} × ${gpu.id} (${layout}, ${r.precision}), ${inputTokens} in / ${outputTokens} out tokens`,
  );
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
        ["max concurrency", `${json.maxConcurrency} sequences (mean)`],
        ["batch modelled", `${json.batch} sequences`],
        [
          "throughput",
          `${json.tokensPerSecond} tok/s (input + output; P10–P90 ${band?.p10.toFixed(0)}–${band?.p90.toFixed(0)})`,
        ],
        ["output throughput", `${json.outputTokensPerSecond} tok/s`],
        ["requests", `${json.requestsPerSecond} req/s`],
        ["TTFT (mean / p95)", `${json.ttftMs} / ${json.ttftP95Ms} ms`],
        ["TPOT (mean / p95)", `${json.tpotMs} / ${json.tpotP95Ms} ms`],
        ...(json.jobSeconds !== null
          ? [["whole job", `${json.jobSeconds} s for ${numberFlag(flags, "requests")} requests`]]
          : []),
        ["decode step bound", r.bound],
      ],
    ),
  );
  return 0;
}
