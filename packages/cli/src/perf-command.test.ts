import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// `koi perf` as a user runs it: a spawned process, real files, exit codes and stderr.

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(PACKAGE, "bin", "koi.mjs");
const DATA = readFileSync(join(PACKAGE, "..", "planner", "data", "llm-perf-measurements.csv"), "utf8")
  .trim()
  .split("\n");
const dir = mkdtempSync(join(tmpdir(), "koi-perf-"));

function koi(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: PACKAGE, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const header = DATA[0] as string;
const first = (...parts: string[]) => DATA.find((l) => parts.every((p) => l.includes(p))) as string;

// Each test spawns `koi` (tsx compiles on start: ~1 s idle, 5 s+ on a loaded machine), so tests get
// the same 60 s as the spawned process itself.
describe("koi perf --rows", { timeout: 60_000 }, () => {
  it("prints one JSON object per row, in order, with each kind's fields", () => {
    // decode sweep, prefill sweep, offline batch (PP across machines), static batch, and a
    // Splitwise row that runs past Llama-2-70B's 4096-token context.
    const path = file("rows.csv", [
      header,
      first("decode_sweep", ",ok"),
      first("prefill_sweep", ",ok"),
      first("orca-perf-db", ",4,3,2,offline_batch"),
      first("splitwise", ",16,16,512,128,"),
      first("splitwise", ",1,1,512,8192,"),
    ]);
    const r = koi("perf", "--rows", path, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(5);
    const [decode, prefill, offline, staticBatch, pastContext] = out;
    expect(decode.tpotMs).toBeGreaterThan(5);
    expect(decode.ttftMs).toBeNull();
    expect(decode.jobSeconds).toBeNull();
    expect(decode.band.p10).toBeLessThanOrEqual(decode.tpotMs);
    expect(decode.band.p90).toBeGreaterThanOrEqual(decode.tpotMs);
    expect(prefill.ttftMs).toBeGreaterThan(0);
    expect(prefill.tpotMs).toBeNull();
    expect(offline.jobSeconds).toBeGreaterThan(0);
    expect(offline.tokensPerSecond).toBeGreaterThan(0);
    expect(offline.band.p10).toBeLessThan(offline.band.p90);
    expect(staticBatch.ttftMs).toBeGreaterThan(0);
    expect(staticBatch.tpotMs).toBeGreaterThan(0);
    expect(pastContext).toEqual({ error: expect.stringMatching(/exceed llama-2-70b's 4096-token context/) });
  });

  it("takes columns in any order, ignores extra ones and needs no measured columns", () => {
    const path = file("reordered.csv", [
      "kind,notes,gpu,tp,model,input_tokens,output_tokens,requests,engine,cuda_graphs",
      "offline_batch,my run,L40S,4,deepseek-ai/DeepSeek-R1-Distill-Llama-70B,4096,1024,50,vllm 0.10.0,off",
      "prefill_sweep,,H200,1,nvidia/Llama-3.1-8B-Instruct-FP8,2134,,,,",
    ]);
    const r = koi("perf", "--rows", path, "--json");
    expect(r.code).toBe(0);
    const [offline, prefill] = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(offline.tokensPerSecond).toBeGreaterThan(0);
    expect(prefill.ttftMs).toBeGreaterThan(0);
  });

  it("reads the names engines and spec sheets write: vLLM's dtypes, 4-bit weight-only schemes, NVSwitch, enabled", () => {
    const rows = ["bf16", "bfloat16", "float16", "int4", "AWQ", "gptq"].map(
      (p, i) =>
        `meta-llama/Llama-3.1-70B,H100-SXM,4,decode_sweep,1000,4,${p},${i % 2 ? "NVSwitch" : "NVLink"},${i % 2 ? "enabled" : "on"}`,
    );
    const r = koi(
      "perf",
      "--rows",
      file("dtypes.csv", ["model,gpu,tp,kind,input_tokens,concurrency,precision,interconnect,cuda_graphs", ...rows]),
      "--json",
    );
    expect(r.stderr).toBe("");
    const tpot = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).tpotMs as number);
    expect(new Set(tpot.slice(0, 3)).size).toBe(1);
    // 4-bit weights are read in a quarter of the bytes: decode is faster than at 16 bits.
    expect(tpot.slice(3)).toEqual([tpot[3], tpot[3], tpot[3]]);
    expect(tpot[3]).toBeLessThan(tpot[0]!);
  });

  it("answers {error} for a row it cannot model and carries on", () => {
    const path = file("unknown.csv", [
      "model,gpu,tp,kind,input_tokens,concurrency",
      "meta-llama/Llama-3.1-70B,H100-SXM,3,decode_sweep,1000,4",
      "meta-llama/Llama-3.1-70B,Z9000,2,decode_sweep,1000,4",
      "meta-llama/Llama-3.1-70B,H100-SXM,4,decode_sweep,1000,4",
    ]);
    const r = koi("perf", "--rows", path, "--json");
    expect(r.code).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out[0].error).toMatch(/TP 3 does not divide llama-3.1-70b's 64 attention heads/);
    expect(out[1].error).toMatch(/unknown GPU "Z9000"/);
    expect(out[2].tpotMs).toBeGreaterThan(0);
  });

  it.each([
    [
      "a value that is not a number",
      "meta-llama/Llama-3.1-70B,H100-SXM,two,decode_sweep,1000,4",
      /row 2, column tp: must be a whole number ≥ 1, got "two"/,
    ],
    ["an unknown kind", "meta-llama/Llama-3.1-70B,H100-SXM,2,online,1000,4", /row 2, column kind: must be one of/],
    [
      "a missing field the kind needs",
      "meta-llama/Llama-3.1-70B,H100-SXM,2,decode_sweep,1000,",
      /row 2, column concurrency: is empty/,
    ],
    ["a short row", "meta-llama/Llama-3.1-70B,H100-SXM,2", /line 2/],
  ])("rejects a file with %s: one line naming row and column, exit 2", (_, row, message) => {
    const path = file("bad.csv", ["model,gpu,tp,kind,input_tokens,concurrency", row]);
    const r = koi("perf", "--rows", path, "--json");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("rejects a file without the columns it needs", () => {
    const r = koi("perf", "--rows", file("cols.csv", ["model,gpu,kind", "x,y,prefill_sweep"]), "--json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing columns tp, input_tokens/);
  });
});

describe("koi perf (one configuration)", { timeout: 60_000 }, () => {
  const base = ["perf", "--model", "meta-llama/Llama-3.1-70B-Instruct", "--input", "2048", "--output", "512"];

  it("models pipeline stages across machines, a finite job, eager mode and the band", () => {
    const r = koi(
      ...base,
      "--gpu",
      "L40S",
      "--tp",
      "4",
      "--pp",
      "2",
      "--nodes",
      "2",
      "--requests",
      "50",
      "--cuda-graphs",
      "off",
      "--engine",
      "vllm 0.10.0",
      "--json",
    );
    expect(r.code).toBe(0);
    const perf = JSON.parse(r.stdout);
    expect(perf).toMatchObject({ tp: 4, pp: 2, nodes: 2, fits: true });
    expect(perf.jobSeconds).toBeGreaterThan((50 * 2560) / perf.tokensPerSecond);
    expect(perf.band.p10).toBeLessThan(perf.tokensPerSecond);
    expect(perf.band.p90).toBeGreaterThan(perf.tokensPerSecond);
  });

  it("puts DeepSeek-V3's published FP8 weights on 16 × H200 (TP 8 within a machine, PP 2 across two)", () => {
    const r = koi(
      "perf",
      "--model",
      "deepseek-ai/DeepSeek-V3",
      "--gpu",
      "H200",
      "--tp",
      "8",
      "--pp",
      "2",
      "--input",
      "1000",
      "--output",
      "300",
      "--json",
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ precision: "fp8", fits: true, nodes: 2 });
  });

  it.each([
    [
      "a TP that does not divide the heads",
      ["--gpu", "H100", "--tp", "3"],
      /TP 3 does not divide llama-3.1-70b's 64 attention heads/,
    ],
    [
      "a prompt past the context",
      ["--gpu", "H100", "--tp", "4", "--input", "200000"],
      /200512 tokens exceed llama-3.1-70b's 131072-token context/,
    ],
    ["an unknown GPU", ["--gpu", "H1OO-SMX", "--tp", "4"], /unknown GPU "H1OO-SMX"; did you mean/],
    ["TP across machines", ["--gpu", "H100", "--tp", "16"], /TP 16 exceeds the 8 H100-SXM GPUs one machine holds/],
    ["a bad switch", ["--gpu", "H100", "--tp", "4", "--cuda-graphs", "maybe"], /--cuda-graphs must be on or off/],
  ])("refuses %s: one line, exit 2", (_, extra, message) => {
    const r = koi(...base, ...extra, "--json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
