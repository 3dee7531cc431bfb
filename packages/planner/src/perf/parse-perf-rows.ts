import { parse } from "csv-parse/sync";
import { z } from "zod";
import { PlannerInputError } from "../types.ts";

// Rows in the format of the measured-runs file (packages/planner/data/README.md): one deployment,
// one kind of measurement, and optionally what was measured. Columns may come in any order;
// columns the model does not use are ignored; measured columns may be absent.

export const ZPerfRowKind = z.enum(["offline_batch", "static_batch", "decode_sweep", "prefill_sweep"]);
export type TPerfRowKind = z.infer<typeof ZPerfRowKind>;

export type TPerfRow = {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  source?: string;
  engine?: string;
  model: string;
  precision?: "bf16" | "fp8" | "int4";
  gpu: string;
  interconnect?: "nvlink" | "pcie";
  tp: number;
  pp: number;
  nodes?: number;
  kind: TPerfRowKind;
  requests?: number;
  concurrency?: number;
  maxNumSeqs?: number;
  inputTokens: number;
  outputTokens?: number;
  cudaGraphs?: boolean;
  memoryUtilization?: number;
  measured: { tokensPerSecond?: number; ttftMs?: number; tpotMs?: number };
  quality?: string;
};

const REQUIRED = ["model", "gpu", "tp", "kind", "input_tokens"] as const;

type TCells = Record<string, string | undefined>;

class CellReader {
  constructor(
    private readonly cells: TCells,
    private readonly line: number,
  ) {}

  private fail(column: string, message: string): never {
    throw new PlannerInputError("perf rows", [`row ${this.line}, column ${column}: ${message}`]);
  }

  text(column: string): string | undefined {
    const v = this.cells[column]?.trim();
    return v === undefined || v === "" ? undefined : v;
  }

  required(column: string): string {
    return this.text(column) ?? this.fail(column, "is empty");
  }

  number(
    column: string,
    rule: { integer?: boolean; min?: number; max?: number; above?: number } = {},
  ): number | undefined {
    const raw = this.text(column);
    if (raw === undefined) return undefined;
    const v = Number(raw);
    const ok =
      Number.isFinite(v) &&
      (!rule.integer || Number.isInteger(v)) &&
      (rule.min === undefined || v >= rule.min) &&
      (rule.max === undefined || v <= rule.max) &&
      (rule.above === undefined || v > rule.above);
    if (!ok) {
      const want = [
        rule.integer ? "a whole number" : "a number",
        rule.min !== undefined ? `≥ ${rule.min}` : "",
        rule.above !== undefined ? `> ${rule.above}` : "",
        rule.max !== undefined ? `≤ ${rule.max}` : "",
      ]
        .filter(Boolean)
        .join(" ");
      this.fail(column, `must be ${want}, got "${raw}"`);
    }
    return v;
  }

  requiredNumber(column: string, rule: Parameters<CellReader["number"]>[1] = {}): number {
    return this.number(column, rule) ?? this.fail(column, "is empty");
  }

  oneOf<T>(column: string, map: Record<string, T>): T | undefined {
    const raw = this.text(column);
    if (raw === undefined) return undefined;
    const v = map[raw.toLowerCase()];
    return v ?? this.fail(column, `must be one of ${Object.keys(map).join(", ")}, got "${raw}"`);
  }
}

// Also the names engines and model cards use: vLLM's `--dtype` values, and 4-bit weight-only schemes
// (AWQ, GPTQ) that the model treats as int4 weights with 16-bit activations.
const PRECISIONS = {
  bf16: "bf16",
  fp16: "bf16",
  bfloat16: "bf16",
  float16: "bf16",
  half: "bf16",
  fp8: "fp8",
  int4: "int4",
  awq: "int4",
  gptq: "int4",
  w4a16: "int4",
} as const;
const INTERCONNECTS = {
  nvlink: "nvlink",
  nvswitch: "nvlink",
  sxm: "nvlink",
  pcie: "pcie",
  "infinity fabric": "nvlink",
  xgmi: "nvlink",
} as const;
const SWITCH = {
  on: true,
  off: false,
  true: true,
  false: false,
  yes: true,
  no: false,
  "1": true,
  "0": false,
  enabled: true,
  disabled: false,
} as const;
const KINDS = Object.fromEntries(ZPerfRowKind.options.map((k) => [k, k])) as Record<string, TPerfRowKind>;

function readRow(cells: TCells, line: number): TPerfRow {
  const r = new CellReader(cells, line);
  const kind = r.oneOf("kind", KINDS) ?? r.required("kind");
  const needs = (column: string, when: boolean) => (when ? r.required(column) : undefined);
  needs("requests", kind === "offline_batch");
  needs("output_tokens", kind === "offline_batch" || kind === "static_batch");
  needs("concurrency", kind === "static_batch" || kind === "decode_sweep");
  const row: TPerfRow = {
    line,
    source: r.text("source"),
    engine: r.text("engine"),
    model: r.required("model"),
    precision: r.oneOf("precision", PRECISIONS),
    gpu: r.required("gpu"),
    interconnect: r.oneOf("interconnect", INTERCONNECTS),
    tp: r.requiredNumber("tp", { integer: true, min: 1 }),
    pp: r.number("pp", { integer: true, min: 1 }) ?? 1,
    nodes: r.number("nodes", { integer: true, min: 1 }),
    kind: kind as TPerfRowKind,
    requests: r.number("requests", { integer: true, min: 1 }),
    concurrency: r.number("concurrency", { above: 0 }),
    maxNumSeqs: r.number("max_num_seqs", { integer: true, min: 1 }),
    inputTokens: r.requiredNumber("input_tokens", { integer: true, min: 1 }),
    outputTokens: r.number("output_tokens", { integer: true, min: 1 }),
    cudaGraphs: r.oneOf("cuda_graphs", SWITCH),
    memoryUtilization: r.number("gpu_memory_utilization", { above: 0, max: 1 }),
    measured: {
      tokensPerSecond: r.number("total_tokens_per_s", { above: 0 }),
      ttftMs: r.number("ttft_ms_p50", { above: 0 }),
      tpotMs: r.number("tpot_ms_p50", { above: 0 }),
    },
    quality: r.text("quality"),
  };
  return row;
}

/** Parses CSV text; a malformed file throws PlannerInputError naming the row (file line) and column. */
export function parsePerfRows(text: string): TPerfRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { skip_empty_lines: true, trim: true, info: true }) as unknown as typeof records;
  } catch (error) {
    // csv-parse names the line: "Invalid Record Length: expect 22, got 21 on line 7".
    throw new PlannerInputError("perf rows", [(error as Error).message]);
  }
  const [header, ...body] = records;
  if (!header) throw new PlannerInputError("perf rows", ["the file is empty"]);
  const columns = header.record.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length > 0)
    throw new PlannerInputError("perf rows", [`missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`]);
  return body.map(({ record, info }) => readRow(Object.fromEntries(columns.map((c, j) => [c, record[j]])), info.lines));
}
