import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatDuration, formatStatus, progressBar } from "./format-progress.ts";
import type { TWorkloadView } from "@koi/contracts";
import type { TCliIo } from "./cli-io.ts";
import { main } from "./main.ts";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "koi.mjs");
const KEY = "koi_live_testkey";
const T0 = Date.parse("2026-11-27T10:00:00Z");
const ESC = "\x1b";

function view(over: Partial<TWorkloadView> = {}): TWorkloadView {
  return {
    id: "wl_1",
    name: "Llama-3.1-70B batch · 10,000 requests",
    kind: "batch",
    model: "meta-llama/Llama-3.1-70B-Instruct",
    priority: "normal",
    status: "PENDING",
    health: "UNKNOWN",
    engine: null,
    statusDetail: null,
    progress: { completed: 0, total: 10_000, estimated: null },
    costUsd: 0,
    predictedCostUsd: null,
    budgetUsd: null,
    deadlineAt: new Date(T0 + 2 * 3_600_000).toISOString(),
    forecast: null,
    createdAt: new Date(T0).toISOString(),
    startedAt: null,
    completedAt: null,
    ...over,
  };
}

/** A stand-in for Koi's /api/v1/workloads: just enough to see what the CLI sends and prints. */
type TSeen = { method: string; url: string; headers: IncomingMessage["headers"]; body: string };
let server: Server;
let url: string;
let seen: TSeen[] = [];
let statusSequence: TWorkloadView[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const send = (status: number, json: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      if (req.headers.authorization !== `Bearer ${KEY}`)
        return send(401, {
          error: {
            code: "unauthorized",
            message: "Missing, invalid, expired or revoked API key.",
            requestId: "req-401",
          },
        });
      if (req.url === "/api/v1/workloads" && req.method === "POST")
        return send(201, view({ name: (JSON.parse(body) as { name?: string }).name ?? "x" }));
      if (req.url === "/api/v1/workloads/wl_1" && req.method === "GET")
        return send(200, statusSequence.length > 1 ? statusSequence.shift() : statusSequence[0]);
      if (req.url === "/api/v1/workloads/wl_1/cancel" && req.method === "POST")
        return send(200, view({ status: "CANCELLED", statusDetail: "cancelled by the user" }));
      if (req.url === "/api/v1/workloads/wl_boom")
        return send(500, { error: { code: "internal_error", message: "Something went wrong.", requestId: "req-500" } });
      return send(404, { error: { code: "not_found", message: "No such workload.", requestId: "req-404" } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  statusSequence = [view()];
});

/** Spawns the real `koi` bin (async: the stand-in server lives in this process). */
function koi(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, KOI_URL: "", KOI_API_KEY: "", ...env };
    execFile(process.execPath, [BIN, ...args], { env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function workloadFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "koi-submit-")), "w.json");
  writeFileSync(path, JSON.stringify(content));
  return path;
}
const BATCH = {
  kind: "batch",
  model: "meta-llama/Llama-3.1-70B-Instruct",
  requests: 10_000,
  avgInputTokens: 1000,
  avgOutputTokens: 300,
  deadlineHours: 2,
  name: "nightly eval",
};

describe("koi submit / status / cancel against a stand-in Koi", () => {
  it("submits with the key, an Idempotency-Key and the CLI's user agent; URL and key from the environment", async () => {
    const r = await koi(["submit", "--workload", workloadFile(BATCH)], { KOI_URL: url, KOI_API_KEY: KEY });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Submitted wl_1: nightly eval \(PENDING\)/);
    expect(r.stdout).toMatch(/koi status wl_1 --watch/);
    const [req] = seen;
    expect(req).toMatchObject({ method: "POST", url: "/api/v1/workloads" });
    expect(JSON.parse(req!.body)).toEqual(BATCH);
    expect(req!.headers["idempotency-key"]).toMatch(/^cli-submit-/);
    expect(req!.headers["user-agent"]).toMatch(/^koi-cli\//);
  });

  it("--json prints the server's workload view; flags override the environment", async () => {
    const r = await koi(["submit", "--workload", workloadFile(BATCH), "--koi-url", url, "--api-key", KEY, "--json"], {
      KOI_URL: "http://127.0.0.1:9",
      KOI_API_KEY: "wrong",
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: "wl_1", status: "PENDING" });
  });

  it("a bad file names the field, exits 2 and sends nothing", async () => {
    const bad = await koi([
      "submit",
      "--workload",
      workloadFile({ ...BATCH, avgOutputTokens: -1 }),
      "--koi-url",
      url,
      "--api-key",
      KEY,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/avgOutputTokens/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const extra = await koi([
      "submit",
      "--workload",
      workloadFile({ ...BATCH, budgetUsd: "a lot" }),
      "--koi-url",
      url,
      "--api-key",
      KEY,
    ]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/budgetUsd/);
    expect(seen).toHaveLength(0);
  });

  it("without a URL or key it says which flag is missing (exit 2)", async () => {
    const r = await koi(["status", "wl_1", "--api-key", KEY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing --koi-url \(or KOI_URL\)/);
  });

  it("status prints a progress bar, ETA from the forecast and cost", async () => {
    const p50 = new Date(Date.now() + 72 * 60_000).toISOString();
    statusSequence = [
      view({
        status: "RUNNING",
        health: "AT_RISK",
        engine: "orca",
        progress: { completed: 3450, total: 10_000, estimated: null },
        costUsd: 12.3456,
        predictedCostUsd: 40,
        forecast: { p10: p50, p50, p90: p50, missProbability: 0.4, explanation: "behind: +2 GPUs" },
      }),
    ];
    const r = await koi(["status", "wl_1", "--koi-url", url, "--api-key", KEY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status RUNNING · health AT_RISK · engine orca/);
    expect(r.stdout).toMatch(/\[█+░+\]\s+34\.5%\s+3,450\/10,000 requests/);
    expect(r.stdout).toMatch(/ETA 1h 1\dm/);
    expect(r.stdout).toMatch(/cost \$12\.35, predicted \$40\.00/);
    expect(r.stdout).toMatch(/missing the deadline 40%/);
  });

  it("status --watch polls until the workload finishes", async () => {
    statusSequence = [
      view({ status: "RUNNING", progress: { completed: 10, total: 100, estimated: null } }),
      view({ status: "RUNNING", progress: { completed: 60, total: 100, estimated: null } }),
      view({ status: "COMPLETED", progress: { completed: 100, total: 100, estimated: null } }),
    ];
    const r = await koi(["status", "wl_1", "--watch", "--interval", "0.2", "--koi-url", url, "--api-key", KEY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/10\.0%[\s\S]*60\.0%[\s\S]*100\.0%/);
    expect(r.stdout).toMatch(/wl_1 finished: COMPLETED/);
    expect(seen.filter((s) => s.method === "GET")).toHaveLength(3);
  });

  it("status --watch on a terminal redraws one block in place; --json never does", async () => {
    statusSequence = [
      view({ status: "RUNNING", progress: { completed: 10, total: 100, estimated: null } }),
      view({ status: "RUNNING", progress: { completed: 60, total: 100, estimated: null } }),
      view({ status: "COMPLETED", progress: { completed: 100, total: 100, estimated: null } }),
    ];
    const out: string[] = [];
    const io: TCliIo = {
      out: (t) => out.push(t),
      err: (t) => out.push(`ERR ${t}`),
      readFile: () => "",
      env: { KOI_URL: url, KOI_API_KEY: KEY },
      sleep: async () => {},
      nowMs: () => T0,
      terminal: () => ({ columns: 40 }),
    };
    expect(await main(["status", "wl_1", "--watch"], io)).toBe(0);
    expect(out).toHaveLength(4);
    const [first, second, third] = out as [string, string, string];
    expect(first).not.toContain(ESC);
    expect(first).toMatch(/10\.0%[\s\S]*Ctrl-C to stop/);
    // Moves up over every terminal row the previous block took (long lines wrap at 40 columns), then erases.
    const rows = (block: string) =>
      block.split("\n").reduce((n, l) => n + Math.max(1, Math.ceil([...l].length / 40)), 0);
    expect(second.startsWith(`\x1b[${rows(first)}A\r\x1b[0J`)).toBe(true);
    expect(second).toMatch(/60\.0%/);
    const secondBlock = second.slice(second.indexOf("J") + 1);
    expect(third.startsWith(`\x1b[${rows(secondBlock)}A\r\x1b[0J`)).toBe(true);
    expect(third).toMatch(/100\.0%/);
    expect(third).not.toMatch(/Ctrl-C/);
    expect(out[3]).toBe("wl_1 finished: COMPLETED");

    statusSequence = [view({ status: "RUNNING" }), view({ status: "COMPLETED" })];
    const json: string[] = [];
    expect(await main(["status", "wl_1", "--watch", "--json"], { ...io, out: (t) => json.push(t) })).toBe(0);
    expect(json.map((line) => (JSON.parse(line) as TWorkloadView).status)).toEqual(["RUNNING", "COMPLETED"]);
  });

  it("status --watch without a terminal appends plain blocks with no escape codes", async () => {
    statusSequence = [view({ status: "RUNNING" }), view({ status: "COMPLETED" })];
    const r = await koi(["status", "wl_1", "--watch", "--interval", "0.2", "--koi-url", url, "--api-key", KEY]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toMatch(/status RUNNING[\s\S]*\n\n[\s\S]*status COMPLETED/);
  });

  it("cancel posts to /cancel and prints the new status", async () => {
    const r = await koi(["cancel", "wl_1", "--koi-url", url, "--api-key", KEY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wl_1: CANCELLED \(cancelled by the user\)/);
    expect(seen[0]).toMatchObject({ method: "POST", url: "/api/v1/workloads/wl_1/cancel" });
  });

  it("HTTP errors print the server's message and requestId: 4xx exit 2, 5xx exit 1", async () => {
    const missing = await koi(["status", "wl_nope", "--koi-url", url, "--api-key", KEY]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/koi status: No such workload\. \(HTTP 404 not_found, requestId req-404\)/);
    const denied = await koi(["cancel", "wl_1", "--koi-url", url, "--api-key", "koi_live_other"]);
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/revoked API key.*requestId req-401/);
    const boom = await koi(["status", "wl_boom", "--koi-url", url, "--api-key", KEY]);
    expect(boom.code).toBe(1);
    expect(boom.stderr).toMatch(/Something went wrong\. \(HTTP 500 internal_error, requestId req-500\)/);
  });

  it("an unreachable Koi is exit 1 with the address", async () => {
    const r = await koi(["status", "wl_1", "--koi-url", "http://127.0.0.1:9", "--api-key", KEY]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach Koi at http:\/\/127\.0\.0\.1:9/);
  });
}, 120_000);

describe("progress formatting", () => {
  it.each([
    [0, "[░░░░░░░░░░]   0.0%"],
    [0.5, "[█████░░░░░]  50.0%"],
    [1.7, "[██████████] 100.0%"],
    [Number.NaN, "[░░░░░░░░░░]   0.0%"],
  ])("progressBar(%s)", (fraction, bar) => expect(progressBar(fraction, 10)).toBe(bar));

  it.each([
    [72 * 60_000, "1h 12m"],
    [245_000, "4m 05s"],
    [-180_000, "overdue 3m 00s"],
  ])("formatDuration(%s) = %s", (ms, text) => expect(formatDuration(ms)).toBe(text));

  it("online workloads have no bar, only cost", () => {
    const lines = formatStatus(
      view({ kind: "online", deadlineAt: null, status: "RUNNING", costUsd: 3, budgetUsd: 10 }),
      T0,
    );
    expect(lines.join("\n")).not.toMatch(/█|░/);
    expect(lines.at(-1)).toBe("cost $3.00, budget $10.00");
  });
});
