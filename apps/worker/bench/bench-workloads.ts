/**
 * `npm run bench:workloads`: 1,000 workloads through plan + dispatch against the real services —
 * Postgres, Redis, one worker process (`apps/worker/src/main.ts`) — and a fake agent that
 * long-polls its commands (pollCommands) and acks every deploy. Reports planning + dispatch
 * throughput, Decision-written → command-claimed latency, and how long another organisation's one
 * workload submitted right after the burst waits for its plan; writes the "Workloads" section of
 * docs/benchmarks.md.
 */
import { randomBytes } from "node:crypto";
import { createThrowawayDatabase, dropDatabase } from "@koi/db/test-database";
import { machineLine, writeBenchmarkSection } from "../../../tests/bench/update-benchmarks-doc.ts";

const N = Number(process.env.BENCH_WORKLOADS ?? 1_000);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const databaseUrl = await createThrowawayDatabase(
    process.env.KOI_TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    "bench",
  );
  const prefix = `koi-bench-wl-${randomBytes(3).toString("hex")}`;
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0",
    KOI_REDIS_PREFIX: prefix,
    AUTH_SECRET: process.env.AUTH_SECRET ?? "bench-secret-0123456789abcdef0123456789abcdef",
    APP_URL: "http://localhost:3000",
    LOG_LEVEL: "warn",
  });
  // After the environment is set: these read it on first use.
  const { prisma } = await import("@koi/db");
  const { createTestOrg } = await import("@koi/db/factories");
  const { createRedis } = await import("@koi/core/redis");
  const { registerAgent } = await import("@koi/services/agents/register-agent");
  const { recordHeartbeat } = await import("@koi/services/agents/record-heartbeat");
  const { pollCommands } = await import("@koi/services/agents/lease-commands");
  const { ackCommand } = await import("@koi/services/agents/ack-command");
  const { commandWakeups } = await import("@koi/services/agents/command-wakeups");
  const { registration } = await import("@koi/services/agents/test-fixtures");
  const { submitWorkload } = await import("@koi/services/workloads/submit-workload");
  const { spawnWorker } = await import("../src/testing/spawn-worker.ts");

  const org = await createTestOrg();
  // A second tenant with capacity of its own, submitting one workload behind the first one's burst.
  const other = await createTestOrg();
  const { agentId: otherAgentId } = await registerAgent(other.id, "key_bench_other", registration("sim"));
  const { agentId } = await registerAgent(org.id, "key_bench", registration("sim"));
  const pool = (id: string) => ({
    id,
    gpuType: "H100-SXM",
    market: "on-demand" as const,
    total: 1_200,
    available: 1_200,
    quota: null,
    pricePerGpuHour: 6.88,
  });
  await recordHeartbeat(org.id, agentId, { inventory: { pools: [pool("h100-a"), pool("h100-b")] }, assignments: [] });
  await recordHeartbeat(other.id, otherAgentId, { inventory: { pools: [pool("h100-c")] }, assignments: [] });

  // Heartbeats keep the fake agent ONLINE (the liveness sweep would otherwise replan its work).
  const heartbeats = setInterval(() => {
    for (const [o, a] of [
      [org.id, agentId],
      [other.id, otherAgentId],
    ])
      void recordHeartbeat(o!, a!, { inventory: null, assignments: [] }).catch(() => undefined);
  }, 5_000);
  const worker = spawnWorker({ ...process.env, LOG_LEVEL: "info", KOI_WORKER_HEALTH_PORT: "0" });
  // Whatever happens below, leave no worker process, database or Redis keys behind.
  const cleanup = async () => {
    clearInterval(heartbeats);
    if (worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
    await commandWakeups().stop();
    await prisma.$disconnect();
    const redis = createRedis();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await dropDatabase(databaseUrl);
  };
  try {
    await run();
  } finally {
    await cleanup();
  }

  async function run() {
    const ready = Date.now();
    while (!worker.output().includes("worker ready")) {
      if (Date.now() - ready > 60_000 || worker.child.exitCode !== null)
        throw new Error(`worker did not start: ${worker.output().slice(-2000)}`);
      await sleep(100);
    }

    // The fake agent: long-poll, note when each deploy arrives, ack it.
    const claimedAt = new Map<string, number>();
    let agentRunning = true;
    const agent = (async () => {
      while (agentRunning) {
        const commands = await pollCommands(org.id, agentId, 2);
        const now = Date.now();
        for (const c of commands) {
          if (c.type !== "deploy") continue;
          claimedAt.set((c.payload as { decisionId: string }).decisionId, now);
          await ackCommand(org.id, agentId, c.id, { status: "accepted", engineRef: `bench-${c.id}` });
        }
      }
    })();

    const submission = {
      kind: "batch" as const,
      model: "meta-llama/Llama-3.1-8B-Instruct",
      requests: 2_000,
      avgInputTokens: 1000,
      avgOutputTokens: 300,
      deadlineHours: 2,
    };
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < N) {
          const i = next++;
          await submitWorkload({
            orgId: org.id,
            actorUserId: null,
            via: "api",
            submission: { ...submission, name: `bench-${i}` },
          });
        }
      }),
    );
    const submittedMs = Date.now() - started;
    const otherSubmittedAt = Date.now();
    const otherWorkload = await submitWorkload({
      orgId: other.id,
      actorUserId: null,
      via: "api",
      submission: { ...submission, name: "other-tenant" },
    });
    while (claimedAt.size < N) {
      if (Date.now() - started > 600_000)
        throw new Error(`only ${claimedAt.size}/${N} deploys reached the agent in 10 min`);
      await sleep(50);
    }
    const totalMs = Math.max(...claimedAt.values()) - started;
    agentRunning = false;
    await agent;

    const decisions = await prisma.decision.findMany({
      where: { orgId: org.id },
      select: { id: true, createdAt: true },
    });
    const latencies = decisions
      .map((d) => (claimedAt.get(d.id) ?? NaN) - d.createdAt.getTime())
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const firstDecision = Math.min(...decisions.map((d) => d.createdAt.getTime()));
    const lastDecision = Math.max(...decisions.map((d) => d.createdAt.getTime()));
    const otherDecision = await prisma.decision.findFirst({
      where: { orgId: other.id, workloadId: otherWorkload.id },
      select: { createdAt: true },
    });
    const otherWaitMs = otherDecision ? otherDecision.createdAt.getTime() - otherSubmittedAt : NaN;
    const backlogAtOtherSubmit = decisions.filter((d) => d.createdAt.getTime() > otherSubmittedAt).length;
    const running = await prisma.workload.count({ where: { orgId: org.id, status: "RUNNING" } });
    const deploys = await prisma.command.count({ where: { orgId: org.id, type: "deploy" } });

    const rows = [
      ["Workloads", `${N} (Llama-3.1-8B batch, 2,000 requests each; 2 pools × 1,200 H100)`],
      ["Submitted (8 concurrent callers)", `${(submittedMs / 1000).toFixed(1)} s`],
      [
        "Plan + dispatch throughput (first submit → last deploy claimed)",
        `${(N / (totalMs / 1000)).toFixed(1)} workloads/s (${(totalMs / 1000).toFixed(1)} s)`,
      ],
      [
        "Planning rate (first → last Decision)",
        `${(N / Math.max(0.001, (lastDecision - firstDecision) / 1000)).toFixed(1)} decisions/s`,
      ],
      ["Decision written → deploy claimed by the agent, p50", `${pct(latencies, 50).toFixed(0)} ms`],
      ["Decision written → deploy claimed by the agent, p99", `${pct(latencies, 99).toFixed(0)} ms`],
      ["Deploy commands / RUNNING after acks", `${deploys} / ${running}`],
      [
        "Another organisation's one workload, submitted right after the burst: submit → Decision",
        `${(otherWaitMs / 1000).toFixed(2)} s (the first organisation still had ${backlogAtOtherSubmit} plans to make)`,
      ],
    ];
    const markdown = [
      "## Workloads",
      "",
      "`npm run bench:workloads` — submit → `plan-workload` (one worker process, real Postgres and Redis, outbox relay, HiGHS) → deploy Command → a fake agent long-polling `pollCommands` and acking. Planning is serialised per org (an advisory lock keeps two plans from taking the same free GPUs), so one org's throughput is bounded by one plan at a time. Right after the burst is submitted, a second organisation (its own agent and pool) submits one workload: how long it waits for its plan says whether the worker takes organisations in turn (plan-job-priority.ts) or one organisation's backlog first.",
      "",
      `Machine: ${machineLine()}. Run ${new Date().toISOString().slice(0, 10)}.`,
      "",
      "| Measure | Result |",
      "|---|---|",
      ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    ].join("\n");
    console.log(markdown);
    writeBenchmarkSection("workloads", markdown);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
