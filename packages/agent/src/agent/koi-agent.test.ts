import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TAckRequest, TAssignmentReport, TCapability, TCommand, TRegisterRequest } from "@koi/contracts";
import type { TEngineAdapter } from "../adapters/types.ts";
import { silentLogger } from "../logger.ts";
import { command, deployCommand } from "../testing/commands.ts";
import { eventually, startKoiStandIn, type TKoiStandIn } from "@koi/sdk/testing/koi-stand-in";
import { KoiAgent, type TKoiAgentOptions } from "./koi-agent.ts";

/** An in-memory engine: counts what it was asked to do and reports made-up progress. */
function fakeEngine() {
  const executed: TCommand[] = [];
  let progress = 0;
  const adapter: TEngineAdapter = {
    kind: "orca",
    capabilities: ["scale"],
    acceptsDeploy: () => true,
    inventory: async () => [
      { id: "fake:spot:L4", gpuType: "L4", market: "spot", total: 4, available: 4, quota: 4, pricePerGpuHour: 0.4 },
    ],
    execute: async (cmd) => {
      executed.push(cmd);
      return {
        status: "completed",
        detail: `${cmd.type} done`,
        ...(cmd.type === "deploy" ? { engineRef: `job-${cmd.assignmentId}`, state: "deploying" as const } : {}),
      };
    },
    poll: async () => ({
      report: {
        state: "running",
        progress: { completed: ++progress, total: 100, unit: "requests" },
        usage: [{ component: "spot", gpuType: "L4", seconds: progress * 60, costUsd: progress * 0.01 }],
      },
    }),
  };
  return { adapter, executed };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(koiOptions: { heartbeatIntervalSeconds?: number } = {}) {
  const koi = await startKoiStandIn(koiOptions);
  const dir = await mkdtemp(join(tmpdir(), "koi-agent-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }), koi.close);
  return { koi, dir };
}

async function startAgent(
  koi: TKoiStandIn,
  dir: string,
  adapter: TEngineAdapter,
  extra: Partial<TKoiAgentOptions> = {},
) {
  const agent = await KoiAgent.create({
    koiUrl: koi.url,
    apiKey: "koi_live_test",
    engine: "orca",
    adapters: [adapter],
    spoolDir: dir,
    cluster: { name: "test", kind: "cloud", provider: "aws", region: "us-east-1" },
    reportIntervalSeconds: 3600,
    backoff: { baseMs: 10, capMs: 100 },
    logger: silentLogger,
    ...extra,
  });
  cleanups.push(() => agent.stop());
  await agent.start();
  await agent.whenRegistered();
  return agent;
}

const acks = (koi: TKoiStandIn) => koi.requests.filter((r) => r.path.endsWith("/ack") && r.method === "POST");
const ackBody = (r: { body: unknown }) => r.body as TAckRequest;

describe("koi-agent against a stand-in Koi", () => {
  it("registers, heartbeats at the server's interval ± 10 % with inventory, every body on contract", async () => {
    const { koi, dir } = await setup({ heartbeatIntervalSeconds: 10 });
    const sleeps: number[] = [];
    await startAgent(koi, dir, fakeEngine().adapter, {
      sleep: async (ms) => {
        sleeps.push(ms);
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    await eventually("5 heartbeats", () => koi.requests.filter((r) => r.path.endsWith("/heartbeat")).length >= 5);
    const heartbeatSleeps = sleeps.filter((ms) => ms >= 1000 && ms < 60_000); // not the empty-poll pause (< 1 s) or the report loop (1 h)
    expect(heartbeatSleeps.length).toBeGreaterThanOrEqual(4);
    for (const ms of heartbeatSleeps) {
      expect(ms).toBeGreaterThanOrEqual(9000);
      expect(ms).toBeLessThanOrEqual(11_000);
    }
    expect(new Set(heartbeatSleeps).size).toBeGreaterThan(1);
    const heartbeat = koi.requests.find((r) => r.path === "/api/v1/agents/agt_test/heartbeat")!;
    expect(heartbeat.body).toMatchObject({
      inventory: { pools: [{ id: "fake:spot:L4" }] },
      metrics: { engineReachable: true, spoolPending: 0 },
    });
    expect(koi.requests.find((r) => r.path.endsWith("/register"))!.body).toMatchObject({
      engine: "orca",
      protocolVersion: 1,
      capabilities: ["scale"],
    });
    expect(koi.requests.filter((r) => r.method === "POST" && !r.headers["idempotency-key"])).toEqual([]);
    expect(koi.requests.flatMap((r) => r.issues)).toEqual([]);
    expect(koi.requests.find((r) => r.path.endsWith("/commands"))!.query.get("wait")).toBe("1");
  });

  it("declares an engine-detected capability only when every engine of the agent detects it", async () => {
    const registered = async (...detects: (() => Promise<readonly TCapability[]>)[]) => {
      const { koi, dir } = await setup();
      const adapters = detects.map((detect) => ({ ...fakeEngine().adapter, detectCapabilities: detect }));
      await startAgent(koi, dir, adapters[0]!, { adapters });
      return (koi.requests.find((r) => r.path.endsWith("/register"))!.body as TRegisterRequest).capabilities;
    };
    const splits = async () => ["pd_disaggregation"] as const;
    expect(await registered(splits)).toEqual(["scale", "pd_disaggregation"]);
    expect(await registered(splits, async () => [])).toEqual(["scale"]);
    // An engine that cannot be asked: the agent registers anyway, without what it could not learn.
    expect(
      await registered(splits, async () => {
        throw new Error("connect ECONNREFUSED");
      }),
    ).toEqual(["scale"]);
  });

  it("reports the configured machine shape with each pool of that GPU type (on contract)", async () => {
    const { koi, dir } = await setup({ heartbeatIntervalSeconds: 10 });
    await startAgent(koi, dir, fakeEngine().adapter, {
      machineShapes: { L4: { instanceType: "g6.12xlarge", networkGbps: 40 }, H100: { gpusPerMachine: 8 } },
    });
    await eventually("a heartbeat", () => koi.requests.some((r) => r.path.endsWith("/heartbeat")));
    const heartbeat = koi.requests.find((r) => r.path.endsWith("/heartbeat"))!;
    expect(heartbeat.body).toMatchObject({
      inventory: { pools: [{ id: "fake:spot:L4", shape: { instanceType: "g6.12xlarge", networkGbps: 40 } }] },
    });
    expect(heartbeat.issues).toEqual([]);
  });

  it("acks accepted then completed; a redelivered command is re-acked with the same key, not re-run", async () => {
    const { koi, dir } = await setup();
    const engine = fakeEngine();
    await startAgent(koi, dir, engine.adapter);
    const deploy = deployCommand({ assignmentId: "asg_a" });
    koi.queueCommands(deploy);
    await eventually("completed ack", () => acks(koi).some((r) => ackBody(r).status === "completed"));
    expect(acks(koi).map((r) => [r.path, ackBody(r).status, r.headers["idempotency-key"]])).toEqual([
      [`/api/v1/agents/agt_test/commands/${deploy.commandId}/ack`, "accepted", `ack:${deploy.commandId}:accepted`],
      [`/api/v1/agents/agt_test/commands/${deploy.commandId}/ack`, "completed", `ack:${deploy.commandId}:completed`],
    ]);
    expect(ackBody(acks(koi)[1]!)).toMatchObject({ engineRef: "job-asg_a", epoch: 1 });
    koi.queueCommands(deploy);
    await eventually("re-ack", () => acks(koi).length === 3);
    expect(acks(koi)[2]!.headers["idempotency-key"]).toBe(`ack:${deploy.commandId}:completed`);
    expect(engine.executed).toHaveLength(1);
  });

  it("rejects stale epochs, expired leases, unknown assignments and unreadable commands without touching the engine", async () => {
    const { koi, dir } = await setup();
    const engine = fakeEngine();
    await startAgent(koi, dir, engine.adapter);
    koi.queueCommands(deployCommand({ assignmentId: "asg_b", epoch: 3 }));
    await eventually("deploy", () => engine.executed.length === 1);
    const stale = command("scale", "asg_b", { count: 2 }, 2);
    const expired = { ...command("scale", "asg_b", { count: 2 }, 3), leaseExpiresAt: "2020-01-01T00:00:00Z" };
    const unknown = command("stop", "asg_zzz", {});
    const unreadable = {
      type: "reboot",
      commandId: "cmd_bad",
      assignmentId: "asg_b",
      epoch: 3,
      leaseExpiresAt: "2030-01-01T00:00:00Z",
      payload: {},
    };
    koi.queueCommands(stale, expired, unknown, unreadable as unknown as TCommand);
    await eventually("4 rejections", () => acks(koi).filter((r) => ackBody(r).status === "rejected").length === 4);
    const details = acks(koi)
      .filter((r) => ackBody(r).status === "rejected")
      .map((r) => ackBody(r).detail);
    expect(details).toEqual([
      expect.stringMatching(/stale epoch 2/),
      expect.stringMatching(/lease expired/),
      expect.stringMatching(/unknown assignment/),
      expect.stringMatching(/invalid command: type/),
    ]);
    expect(engine.executed).toHaveLength(1);
  });

  it("spools through a Koi outage and replays in order after an agent restart, keys unchanged; 409 is dropped", async () => {
    const { koi, dir } = await setup();
    const engine = fakeEngine();
    const first = await startAgent(koi, dir, engine.adapter);
    koi.queueCommands(deployCommand({ assignmentId: "asg_c" }));
    await eventually("deploy acked", () => acks(koi).some((r) => ackBody(r).status === "completed"));

    koi.respond((req) =>
      req.method === "POST" && !req.path.endsWith("/register") && !req.path.endsWith("/heartbeat")
        ? { status: 503, headers: { "retry-after": "0" } }
        : undefined,
    );
    for (let i = 0; i < 5; i++) await first.reportOnce();
    await eventually("a refused report", () => koi.requests.some((r) => r.path.endsWith("/reports")));
    expect(first.spool.pending().length).toBe(5);
    const refusedKeys = new Set(
      koi.requests.filter((r) => r.path.endsWith("/reports")).map((r) => r.headers["idempotency-key"]),
    );
    await first.stop();
    expect((await readdir(join(dir, "spool"))).some((f) => f.startsWith("segment-"))).toBe(true);

    const before = koi.requests.length;
    let conflicts = 0;
    koi.respond((req) =>
      req.path.endsWith("/reports") && (req.body as TAssignmentReport).seq === 2 && conflicts++ === 0
        ? { status: 409, body: { error: { code: "stale_epoch", message: "old", requestId: "r" } } }
        : undefined,
    );
    const second = await startAgent(koi, dir, engine.adapter);
    await eventually("spool drained", () => second.spool.pending().length === 0);
    const replayed = koi.requests.slice(before).filter((r) => r.path === "/api/v1/assignments/asg_c/reports");
    expect(replayed.map((r) => (r.body as TAssignmentReport).seq)).toEqual([0, 1, 2, 3, 4]);
    expect(replayed.map((r) => r.headers["idempotency-key"])).toEqual(
      [0, 1, 2, 3, 4].map((s) => `report:asg_c:1:${s}`),
    );
    for (const key of refusedKeys) expect(replayed.map((r) => r.headers["idempotency-key"])).toContain(key);
    expect(replayed.map((r) => (r.body as TAssignmentReport).progress?.completed)).toEqual([1, 2, 3, 4, 5]);
    // The 409 made the agent give up on the assignment: no more reports for it.
    await second.reportOnce();
    expect(second.spool.pending()).toEqual([]);
    expect(second.state.data.assignments.asg_c!.finalReported).toBe(true);
  });

  it("logs as an error the usage Koi answered it did not bill, and does not send the report again", async () => {
    const { koi, dir } = await setup();
    const errors: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger = {
      ...silentLogger,
      error: (message: string, fields?: Record<string, unknown>) => errors.push({ message, fields }),
    };
    const engine = fakeEngine();
    const agent = await startAgent(koi, dir, engine.adapter, { logger });
    koi.queueCommands(deployCommand({ assignmentId: "asg_u" }));
    await eventually("deploy acked", () => acks(koi).some((r) => ackBody(r).status === "completed"));
    const refused = [{ component: "spot", gpuType: "L4", reason: "6,080,000,000,000 spot seconds within 660 s …" }];
    koi.respond((req) =>
      req.path.endsWith("/reports")
        ? { status: 200, body: { accepted: true, duplicate: false, usageRefused: refused } }
        : undefined,
    );
    await agent.reportOnce();
    await eventually("spool drained", () => agent.spool.pending().length === 0);
    expect(errors).toEqual([
      {
        message: "Koi did not bill usage this agent reported: the figures cannot be true",
        fields: { assignmentId: "asg_u", refused },
      },
    ]);
    expect(koi.requests.filter((r) => r.path.endsWith("/asg_u/reports"))).toHaveLength(1);
  });

  it("stops promptly even when Koi never answered", async () => {
    const { koi, dir } = await setup();
    await koi.close();
    const agent = await KoiAgent.create({
      koiUrl: koi.url,
      apiKey: "k",
      engine: "orca",
      adapters: [fakeEngine().adapter],
      spoolDir: dir,
      cluster: { name: "t", kind: "on-prem", provider: "on-prem" },
      backoff: { baseMs: 10, capMs: 50 },
      logger: silentLogger,
    });
    await agent.start();
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await agent.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(agent.id).toBeNull();
  });

  it("re-registers when Koi forgets the agent (404) and keeps the same instance id", async () => {
    const { koi, dir } = await setup();
    const agent = await startAgent(koi, dir, fakeEngine().adapter);
    const registers = () => koi.requests.filter((r) => r.path.endsWith("/register"));
    let forgotten = true;
    koi.respond((req) =>
      forgotten && req.path.endsWith("/heartbeat")
        ? ((forgotten = false),
          { status: 404, body: { error: { code: "not_found", message: "unknown agent", requestId: "r" } } })
        : undefined,
    );
    await eventually("second registration", () => registers().length >= 2);
    const [a, b] = registers();
    expect((a!.body as { instanceId: string }).instanceId).toBe((b!.body as { instanceId: string }).instanceId);
    expect(a!.headers["idempotency-key"]).not.toBe(b!.headers["idempotency-key"]);
    expect(agent.id).toBe("agt_test");
  });
});
