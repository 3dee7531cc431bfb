/**
 * `npm run bench:api`: the agent API under load, against the BUILT web server on this machine
 * (run `npm run build` first). Figures go to docs/benchmarks.md.
 *  1. heartbeats/s and latency p50/p99 (autocannon in a second process, rotating over 200 agents);
 *  2. command dispatch latency: commit of a Command row → receipt by a long-polling agent;
 *  3. idle long-polls held at once, and the server's memory while holding them.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createThrowawayDatabase, dropDatabase } from "@koi/db/test-database";
import { machineLine, writeBenchmarkSection } from "../../../tests/bench/update-benchmarks-doc.ts";

const PORT = Number(process.env.BENCH_PORT ?? 3300);
// Koi's server listens on loopback IPv4 by default; "localhost" may resolve to ::1 first.
const BASE = `http://127.0.0.1:${PORT}`;
// "koi": Koi's web server (apps/web/server: client address, body limits, listen backlog 4096), as
// deployed. "next": bare `next start`, as earlier rounds measured, for a baseline in the same session.
const SERVER = process.env.BENCH_SERVER === "next" ? "next" : "koi";
const AGENTS = 200;
const HEARTBEAT_SECONDS = Number(process.env.BENCH_HEARTBEAT_SECONDS ?? 20);
const DISPATCHES = 200;
const IDLE_POLLS = Number(process.env.BENCH_IDLE_POLLS ?? 5000);
const webDir = path.resolve(import.meta.dirname, "..");
const RESULTS_FILE = process.env.BENCH_RESULTS_JSON ?? path.join(os.tmpdir(), "koi-bench-api.json");

type TBenchResults = {
  commit: string;
  server?: "koi" | "next";
  at: string;
  load: string;
  heartbeats?: { rps: number; p50: number; p99: number; non2xx: number; errors: number; cpuMsPerHeartbeat?: number };
  dispatch?: { p50: number; p99: number; delivered: number; of: number };
  longPolls?: { ok: number; of: number; rssHeldMb: number; rssBeforeMb: number };
};
// A run of an earlier build on this machine, shown beside this one (same session, same load).
const baseline: TBenchResults | null = process.env.BENCH_BASELINE_JSON
  ? JSON.parse(fs.readFileSync(process.env.BENCH_BASELINE_JSON, "utf8"))
  : null;
const baselineCell = (text: string | undefined) => (baseline ? ` | ${text ?? "—"}` : "");
const loadLine = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
const serverName = (server: "koi" | "next") =>
  server === "koi" ? "Koi's server (`apps/web/server`)" : "bare `next start` (`BENCH_SERVER=next`)";
const gitCommit = () => execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server and every process it started, with their resident memory in KiB. */
function processTree(rootPid: number): { pid: number; rssKb: number }[] {
  const out = execFileSync("ps", ["-eo", "pid=,ppid=,rss="], { encoding: "utf8" });
  const rows = out
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const pids = new Set([rootPid]);
  for (let changed = true; changed;) {
    changed = false;
    for (const [pid, ppid] of rows) {
      if (pids.has(ppid) && !pids.has(pid)) {
        pids.add(pid);
        changed = true;
      }
    }
  }
  return rows.filter(([pid]) => pids.has(pid)).map(([pid, , rssKb]) => ({ pid, rssKb }));
}

const treeRssMb = (rootPid: number) => processTree(rootPid).reduce((s, p) => s + p.rssKb, 0) / 1024;

/** CPU seconds (user + system) the server's processes have used: their share of a busy machine, measured. */
function treeCpuSeconds(rootPid: number): number {
  let ticks = 0;
  for (const { pid } of processTree(rootPid)) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      // utime and stime: fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux).
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* exited meanwhile */
    }
  }
  return ticks / 100;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  if (!fs.existsSync(path.join(webDir, ".next", "BUILD_ID")))
    throw new Error("apps/web is not built: run `npm run build` first.");
  const args =
    SERVER === "koi"
      ? ["--import", "tsx", "server/main.ts", "--port", String(PORT), "--hostname", "127.0.0.1"]
      : [path.resolve(webDir, "../../node_modules/next/dist/bin/next"), "start", "-p", String(PORT), "-H", "127.0.0.1"];
  const child = spawn(process.execPath, args, { cwd: webDir, env, stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`${BASE}/api/v1/openapi.json`);
      if (res.ok) return child;
    } catch {
      /* not up yet */
    }
    await sleep(500);
  }
  child.kill("SIGKILL");
  throw new Error("web server did not start");
}

async function main() {
  const databaseUrl = await createThrowawayDatabase(
    process.env.KOI_TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    "bench",
  );
  const prefix = `koi-bench-${randomBytes(3).toString("hex")}`;
  const env = {
    ...process.env,
    NODE_ENV: "production" as const,
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    KOI_REDIS_PREFIX: prefix,
    APP_URL: BASE,
    AUTH_SECRET: "bench-secret-0123456789abcdef0123456789abcdef",
    LOG_LEVEL: "warn",
    KOI_API_KEY_LIMIT_PER_MIN: "10000000",
    KOI_DB_POOL_SIZE: "20",
  };
  Object.assign(process.env, env);
  const { prisma } = await import("@koi/db");
  const { createTestOrg } = await import("@koi/db/factories");
  const { createApiKey } = await import("@koi/auth/api-keys/manage-api-keys");
  const { registerAgent } = await import("@koi/services/agents/register-agent");
  const { registration } = await import("@koi/services/agents/test-fixtures");
  const { issueCommand } = await import("@koi/services/agents/issue-command");

  const server = await startServer(env);
  const lines: string[] = [];
  const results: TBenchResults = {
    commit: gitCommit(),
    server: SERVER,
    at: new Date().toISOString(),
    load: loadLine(),
  };
  try {
    const org = await createTestOrg({ name: "bench" });
    const { key, secret } = await createApiKey({
      orgId: org.id,
      actorUserId: null,
      name: "bench",
      scopes: ["engine"],
      expiresAt: null,
    });
    const agentIds: string[] = [];
    // Registered with the key the load uses: an engine key acts only for its own agents.
    for (let i = 0; i < AGENTS; i++) agentIds.push((await registerAgent(org.id, key.id, registration())).agentId);

    // 1. Heartbeats, from a second process.
    const runner = path.join(import.meta.dirname, "autocannon-heartbeats.mjs");
    const args = JSON.stringify({ url: BASE, key: secret, agentIds, duration: HEARTBEAT_SECONDS, connections: 32 });
    await new Promise((resolve) =>
      spawn(
        process.execPath,
        [runner, JSON.stringify({ url: BASE, key: secret, agentIds, duration: 3, connections: 8 })],
        { stdio: "ignore" },
      ).on("exit", resolve),
    ); // warm-up
    const cpuBefore = treeCpuSeconds(server.pid!);
    const hb = JSON.parse(
      execFileSync(process.execPath, [runner, args], { encoding: "utf8", maxBuffer: 10 * 2 ** 20 }),
    );
    // CPU per answered heartbeat is what the path costs, whatever else the machine was doing.
    const cpuMsPerHeartbeat = ((treeCpuSeconds(server.pid!) - cpuBefore) * 1000) / Math.max(1, hb.requests.total);
    results.heartbeats = {
      rps: Math.round(hb.requests.average),
      p50: hb.latency.p50,
      p99: hb.latency.p99,
      non2xx: hb.non2xx,
      errors: hb.errors,
      cpuMsPerHeartbeat: Number(cpuMsPerHeartbeat.toFixed(2)),
    };
    const hbLine = `| Heartbeats (200 agents, 32 connections, ${HEARTBEAT_SECONDS} s) | ${Math.round(hb.requests.average)} req/s · p50 ${hb.latency.p50} ms · p99 ${hb.latency.p99} ms · non-2xx ${hb.non2xx} · errors ${hb.errors} · server CPU ${cpuMsPerHeartbeat.toFixed(2)} ms per heartbeat${baselineCell(baseline?.heartbeats && `${baseline.heartbeats.rps} req/s · p50 ${baseline.heartbeats.p50} ms · p99 ${baseline.heartbeats.p99} ms · non-2xx ${baseline.heartbeats.non2xx}`)} | ≥ 1,500 req/s at p99 < 50 ms |`;
    lines.push(hbLine);
    console.log(hbLine);

    // 2. Dispatch latency: 50 agents long-poll; commands are committed one by one.
    const pollers = agentIds.slice(0, 50);
    const received = new Map<string, number>();
    let stop = false;
    const poll = async (agentId: string) => {
      while (!stop) {
        const res = await fetch(`${BASE}/api/v1/agents/${agentId}/commands?wait=25`, {
          headers: { authorization: `Bearer ${secret}` },
        });
        const at = performance.now();
        const body = (await res.json()) as { commands?: { commandId: string; assignmentId: string; epoch: number }[] };
        for (const c of body.commands ?? []) {
          received.set(c.commandId, at);
          void fetch(`${BASE}/api/v1/agents/${agentId}/commands/${c.commandId}/ack`, {
            method: "POST",
            headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
            body: JSON.stringify({
              assignmentId: c.assignmentId,
              epoch: c.epoch,
              status: "completed",
              detail: "bench",
              at: new Date().toISOString(),
            }),
          });
        }
      }
    };
    const loops = pollers.map(poll);
    await sleep(1500);
    const assignments = await Promise.all(
      pollers.map((agentId) => prisma.assignment.create({ data: { orgId: org.id, agentId, state: "running" } })),
    );
    const latencies: number[] = [];
    for (let i = 0; i < DISPATCHES; i++) {
      const a = assignments[i % assignments.length]!;
      const cmd = await issueCommand({
        orgId: org.id,
        assignmentId: a.id,
        type: "scale",
        payload: { count: 1 + (i % 4) },
      });
      const committed = performance.now();
      for (let w = 0; w < 400 && !received.has(cmd.id); w++) await sleep(2);
      const got = received.get(cmd.id);
      if (got !== undefined) latencies.push(Math.max(0, got - committed));
      await sleep(20);
    }
    stop = true;
    latencies.sort((a, b) => a - b);
    results.dispatch = {
      p50: Number(pct(latencies, 50).toFixed(1)),
      p99: Number(pct(latencies, 99).toFixed(1)),
      delivered: latencies.length,
      of: DISPATCHES,
    };
    const dLine = `| Command dispatch, commit → agent receipt (${DISPATCHES} commands, 50 long-polling agents) | p50 ${pct(latencies, 50).toFixed(1)} ms · p99 ${pct(latencies, 99).toFixed(1)} ms · delivered ${latencies.length}/${DISPATCHES}${baselineCell(baseline?.dispatch && `p50 ${baseline.dispatch.p50} ms · p99 ${baseline.dispatch.p99} ms · delivered ${baseline.dispatch.delivered}/${baseline.dispatch.of}`)} | p99 < 250 ms |`;
    lines.push(dLine);
    console.log(dLine);
    await Promise.race([Promise.all(loops), sleep(30_000)]);

    // 3. Idle long-polls held at once.
    const rssBefore = treeRssMb(server.pid!);
    // Node's fetch opens as many connections per origin as asked, so each poll holds its own socket.
    // Ramped up 250 at a time (as reconnecting agents would arrive) so bare Next's listen backlog
    // (511) is not all that the baseline measures.
    const idle: Promise<string>[] = [];
    for (let i = 0; i < IDLE_POLLS; i++) {
      idle.push(
        fetch(`${BASE}/api/v1/agents/${agentIds[i % agentIds.length]}/commands?wait=30`, {
          headers: { authorization: `Bearer ${secret}` },
        })
          .then(async (r) => (r.status === 200 ? "200" : `${r.status} ${await r.text().then((t) => t.slice(0, 120))}`))
          .catch(
            (err: Error & { cause?: { code?: string; message?: string } }) =>
              `fetch failed: ${err.cause?.code ?? err.cause?.message ?? err.message}`,
          ),
      );
      if (i % 250 === 249) await sleep(200);
    }
    await sleep(8_000);
    const rssHeld = treeRssMb(server.pid!);
    const outcomes = await Promise.all(idle);
    const ok = outcomes.filter((s) => s === "200").length;
    const failures = new Map<string, number>();
    for (const o of outcomes) if (o !== "200") failures.set(o, (failures.get(o) ?? 0) + 1);
    if (failures.size) console.log("long-polls not answered 200:", Object.fromEntries(failures));
    results.longPolls = { ok, of: IDLE_POLLS, rssHeldMb: Math.round(rssHeld), rssBeforeMb: Math.round(rssBefore) };
    const iLine = `| Idle long-polls (\`?wait=30\`) held at once | ${ok}/${IDLE_POLLS} answered 200 after the wait · server RSS ${Math.round(rssHeld)} MiB while holding them (${Math.round(rssBefore)} MiB before)${baselineCell(baseline?.longPolls && `${baseline.longPolls.ok}/${baseline.longPolls.of} answered 200 · RSS ${baseline.longPolls.rssHeldMb} MiB`)} | 5,000 with < 1 GiB RSS |`;
    lines.push(iLine);
    console.log(iLine);
  } finally {
    server.kill("SIGTERM");
    await prisma.$disconnect();
    await dropDatabase(databaseUrl).catch(() => undefined);
  }

  fs.writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2));
  console.log(`raw figures in ${RESULTS_FILE} (pass it as BENCH_BASELINE_JSON to compare a later build)`);
  const doc = writeBenchmarkSection(
    "api",
    [
      "## Agent API (`npm run bench:api`)",
      "",
      `Built web app, NODE_ENV=production, served by ${serverName(SERVER)} on ${machineLine()}; load from separate processes on the same machine, so the server had well under 2 cores. Commit ${results.commit}, measured ${results.at.slice(0, 16)}Z; load average at start ${results.load}.`,
      ...(baseline
        ? [
            "",
            `Baseline: commit ${baseline.commit} served by ${serverName(baseline.server ?? "next")}, same machine, measured ${baseline.at.slice(0, 16)}Z with load average ${baseline.load} (\`BENCH_BASELINE_JSON\`).`,
          ]
        : []),
      "",
      baseline ? "| What | Measured | Baseline | Goal |" : "| What | Measured | Goal |",
      baseline ? "|---|---|---|---|" : "|---|---|---|",
      ...lines,
    ].join("\n"),
  );
  console.log(`wrote ${doc}`);
  process.exit(0);
}

await main();
