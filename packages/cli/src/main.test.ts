import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "./main.ts";
import type { TCliIo } from "./cli-io.ts";
import type { TPlan } from "@koi/planner";

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(PACKAGE, "bin", "koi.mjs");
const EXAMPLES = join(PACKAGE, "examples");

function koi(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: PACKAGE, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function memoryIo(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: TCliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error("not found"), { code: "ENOENT" });
      return text;
    },
  };
  return { io, out, err };
}

// Each spawned test starts Node and tsx cold: seconds on a busy 2-core machine, well past vitest's 5 s default.
describe("koi CLI (spawned)", { timeout: 60_000 }, () => {
  it("prints perf figures as JSON", () => {
    const r = koi(
      "perf",
      "--model",
      "meta-llama/Llama-3.1-70B-Instruct",
      "--gpu",
      "H100-SXM",
      "--tp",
      "4",
      "--input",
      "1000",
      "--output",
      "300",
      "--json",
    );
    expect(r.code).toBe(0);
    const perf = JSON.parse(r.stdout);
    for (const key of ["maxConcurrency", "tokensPerSecond", "outputTokensPerSecond", "ttftMs", "tpotMs"])
      expect(perf[key]).toBeGreaterThan(0);
    expect(perf.tokensPerSecond).toBeGreaterThan(perf.outputTokensPerSecond);
  });

  it("prints a readable plan table for the examples", () => {
    const r = koi(
      "plan",
      "--workload",
      join(EXAMPLES, "batch-workload.json"),
      "--capacity",
      join(EXAMPLES, "capacity.json"),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Feasible batch plan, engine orca/);
    expect(r.stdout).toMatch(/pool\s+gpu\s+market\s+tp\s+role\s+replicas\s+gpus/);
    expect(r.stdout).toMatch(/Alternatives:/);
  });

  it("rejects a bad workload file with the field named, exit 2 and no stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "koi-cli-"));
    const bad = join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        kind: "batch",
        model: "llama-3.1-8b",
        requests: 10,
        avgInputTokens: "lots",
        avgOutputTokens: 100,
        deadlineHours: 1,
      }),
    );
    const r = koi("plan", "--workload", bad, "--capacity", join(EXAMPLES, "capacity.json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/avgInputTokens/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("koi CLI (in process)", () => {
  const capacity = JSON.stringify({
    pools: [{ id: "p", gpuType: "H100", market: "spot", available: 8, pricePerGpuHour: 3 }],
  });
  const workload = JSON.stringify({
    kind: "online",
    model: "llama-3.1-8b",
    requestsPerSecond: 2,
    avgInputTokens: 500,
    avgOutputTokens: 100,
    ttftP95Ms: 1000,
    tpotP95Ms: 80,
  });

  it.each([
    [["plan", "--workload", "w.json"], /missing --capacity/],
    [["plan", "--workload", "nope.json", "--capacity", "c.json"], /cannot read nope\.json: no such file/],
    [["plan", "--workload", "broken.json", "--capacity", "c.json"], /broken\.json is not valid JSON/],
    [["plan", "--workload", "w.json", "--capacity", "badcap.json"], /pools\.0\.market/],
    [["plan", "--workload", "w.json", "--capacity", "c.json", "--markets", "cheap"], /--markets: "cheap"/],
    [
      ["perf", "--model", "llama-3.1-8b", "--gpu", "H1000", "--input", "1", "--output", "1"],
      /unknown GPU "H1000".*H100/,
    ],
    [
      ["perf", "--model", "llama-3.1-8b", "--gpu", "H100", "--tp", "two", "--input", "1", "--output", "1"],
      /--tp must be a whole number/,
    ],
    [["perf", "--model", "llama-3.1-8b", "--gpu", "H100", "--input", "1"], /missing --output/],
    [
      ["perf", "--model", "llama-3.1-8b", "--gpu", "H100", "--input", "1", "--output", "1", "--speed"],
      /unknown option --speed/,
    ],
    [["launch"], /unknown command "launch"/],
  ])("koi %j fails with a clear message and exit 2", async (argv, message) => {
    const { io, err } = memoryIo({
      "w.json": workload,
      "c.json": capacity,
      "broken.json": "{",
      "badcap.json": JSON.stringify({
        pools: [{ id: "p", gpuType: "H100", market: "cheap", available: 1, pricePerGpuHour: 1 }],
      }),
    });
    expect(await main(argv, io)).toBe(2);
    expect(err.join("\n")).toMatch(message);
  });

  it("plans an online workload as JSON", async () => {
    const { io, out } = memoryIo({ "w.json": workload, "c.json": capacity });
    expect(await main(["plan", "--workload", "w.json", "--capacity", "c.json", "--json"], io)).toBe(0);
    const plan = JSON.parse(out.join("\n"));
    expect(plan.feasible).toBe(true);
    expect(plan.engine).toBe("tuna");
    expect(plan.predictedLatency.tpotMs).toBeLessThanOrEqual(80);
  });

  it("plans the file `koi submit` sends: its allowDisaggregation splits prefill from decode", async () => {
    const longPrompts = {
      kind: "online",
      name: "chat",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      requestsPerSecond: 2,
      avgInputTokens: 8000,
      avgOutputTokens: 200,
      ttftP95Ms: 3000,
      tpotP95Ms: 20,
    };
    const machines = JSON.stringify({
      pools: [
        {
          id: "g6e",
          gpuType: "L40S",
          market: "on-demand",
          available: 32,
          pricePerGpuHour: 3.766,
          shape: { instanceType: "g6e.48xlarge" },
        },
      ],
    });
    const split = memoryIo({
      "w.json": JSON.stringify({ ...longPrompts, allowDisaggregation: true }),
      "c.json": machines,
    });
    expect(await main(["plan", "--workload", "w.json", "--capacity", "c.json", "--json"], split.io)).toBe(0);
    const roles = (out: string[]) => new Set((JSON.parse(out.join("\n")) as TPlan).replicas.map((r) => r.role));
    expect(roles(split.out)).toEqual(new Set(["prefill", "decode"]));
    const colocated = memoryIo({ "w.json": JSON.stringify(longPrompts), "c.json": machines });
    expect(await main(["plan", "--workload", "w.json", "--capacity", "c.json", "--json"], colocated.io)).toBe(0);
    expect(roles(colocated.out)).toEqual(new Set(["both"]));
  });

  it("explains a model that does not fit", async () => {
    const { io, out } = memoryIo();
    expect(
      await main(["perf", "--model", "llama-3.1-405b", "--gpu", "L4", "--input", "100", "--output", "100"], io),
    ).toBe(0);
    expect(out.join("\n")).toMatch(/does not fit: weights need/);
  });

  it.each(["plan", "perf", "submit", "status", "cancel"])(
    "koi %s --help explains the flags, points to the docs and shows an example (exit 0)",
    async (name) => {
      const { io, out, err } = memoryIo();
      expect(await main([name, "--help"], io)).toBe(0);
      const text = out.join("\n");
      expect(text).toMatch(new RegExp(`^usage: koi ${name}`));
      expect(text).toMatch(/Flags:\n {2}(--|<)/);
      expect(text).toMatch(/Example/);
      expect(text).toMatch(/docs\/planner\.md/);
      expect(err).toEqual([]);
    },
  );

  it("koi plan --help shows both file formats; koi help plan and -h say the same", async () => {
    const long = memoryIo();
    await main(["plan", "--help"], long.io);
    const text = long.out.join("\n");
    expect(text).toMatch(/Workload file \(JSON[\s\S]*"kind": "batch"[\s\S]*"deadlineHours"/);
    expect(text).toMatch(/Capacity file \(JSON\)[\s\S]*"pools"[\s\S]*"pricePerGpuHour"/);
    expect(text).toMatch(/--margin F .*default 0\.15/);
    for (const argv of [
      ["help", "plan"],
      ["plan", "-h"],
    ]) {
      const again = memoryIo();
      expect(await main(argv, again.io)).toBe(0);
      expect(again.out.join("\n")).toBe(text);
    }
  });

  it("an unknown command is one line naming the commands, exit 2", async () => {
    const { io, err, out } = memoryIo();
    expect(await main(["launch"], io)).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).not.toMatch(/\n/);
    expect(err[0]).toMatch(/commands: plan, perf, submit, status, cancel/);
    expect(out).toEqual([]);
  });

  it("lists commands for help and for no command", async () => {
    const help = memoryIo();
    expect(await main(["--help"], help.io)).toBe(0);
    expect(help.out.join("\n")).toMatch(/plan[\s\S]*perf/);
    expect(help.out.join("\n")).toMatch(/Examples:[\s\S]*npx koi plan --workload[\s\S]*docs\/planner\.md/);
    expect(await main([], memoryIo().io)).toBe(2);
  });
});
