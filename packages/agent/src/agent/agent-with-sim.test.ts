import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_PROTOCOL_PATHS,
  type TAckRequest,
  type TAssignmentReport,
  type TEventsRequest,
  type TRegisterRequest,
} from "@koi/contracts";
import { startEngineSim, type TEngineSim } from "@koi/engine-sim";
import { fastSimConfig } from "@koi/engine-sim/testing/sim-fixtures";
import { createOrcaAdapter } from "../adapters/orca/orca-adapter.ts";
import { createTunaAdapter } from "../adapters/tuna/tuna-adapter.ts";
import { startOrcaWebhookListener } from "../adapters/orca/orca-webhook-listener.ts";
import { silentLogger } from "../logger.ts";
import { command, deployCommand } from "../testing/commands.ts";
import { eventually, startKoiStandIn, type TKoiStandIn } from "@koi/sdk/testing/koi-stand-in";
import { KoiAgent } from "./koi-agent.ts";

/*
 * The whole customer side: koi-agent (engine "sim" = Orca + Tuna adapters) driving apps/engine-sim
 * over HTTP, with Orca's webhooks flowing into the agent's listener, talking to a stand-in Koi.
 */

let sim: TEngineSim;
let koi: TKoiStandIn;
let agent: KoiAgent;
let dir: string;

beforeAll(async () => {
  koi = await startKoiStandIn({ heartbeatIntervalSeconds: 1 });
  dir = await mkdtemp(join(tmpdir(), "koi-agent-sim-"));
  // The listener must exist before the simulator, whose KOI_SERVICE_URL points at it.
  const probe = await startOrcaWebhookListener({ host: "127.0.0.1", port: 0, logger: silentLogger }, async () => {});
  const port = new URL(probe.url).port;
  await probe.close();
  sim = await startEngineSim(fastSimConfig({ orca: { koiServiceUrl: `http://127.0.0.1:${port}` } }));
  agent = await KoiAgent.create({
    koiUrl: koi.url,
    apiKey: "koi_live_test",
    engine: "sim",
    adapters: [
      createOrcaAdapter({
        url: sim.orcaUrl,
        apiKey: null,
        logger: silentLogger,
        allowSyntheticInput: true,
        webhook: { host: "127.0.0.1", port: Number(port) },
      }),
      createTunaAdapter({
        url: sim.tunaUrl,
        apiKey: null,
        gpuType: "L4",
        gpuCount: 1,
        serverlessProvider: "modal",
        logger: silentLogger,
      }),
    ],
    spoolDir: dir,
    cluster: { name: "sim", kind: "cloud", provider: "aws", region: "us-east-1" },
    reportIntervalSeconds: 0.05,
    backoff: { baseMs: 10, capMs: 100 },
    logger: silentLogger,
  });
  await agent.start();
  await agent.whenRegistered();
});

afterAll(async () => {
  await agent.stop();
  await sim.close();
  await koi.close();
  await rm(dir, { recursive: true, force: true });
});

const reportsOf = (assignmentId: string) =>
  koi.requests
    .filter((r) => r.path === `/api/v1/assignments/${assignmentId}/reports`)
    .map((r) => r.body as TAssignmentReport);

describe("koi-agent + engine-sim + stand-in Koi", () => {
  it("registers what its adapters do, but not the simulated Orca's splits: its Tuna side cannot run them", () => {
    // Koi would offer prefill/decode plans on every pool of the agent, online ones (Tuna) too.
    const register = koi.requests.find((r) => r.path === AGENT_PROTOCOL_PATHS.register)!.body as TRegisterRequest;
    expect([...register.capabilities].sort()).toEqual(
      ["chunked_batch", "pause", "routing", "scale", "serverless", "spot", "swap", "webhooks"].sort(),
    );
  });

  it("deploys a batch job on simulated Orca and reports it to completion, with its lifecycle events", async () => {
    const deploy = deployCommand({ assignmentId: "asg_batch", placement: { replicas: 2 } });
    koi.queueCommands(deploy);
    await eventually("final report", () => reportsOf("asg_batch").some((r) => r.state === "completed"), 20_000);
    const completedAck = koi.requests
      .map((r) => r.body as TAckRequest)
      .find((b) => b?.status === "completed" && b.assignmentId === "asg_batch")!;
    expect(completedAck.engineRef).toMatch(/^mo-llama8b-[0-9a-f]{4}$/);
    const reports = reportsOf("asg_batch");
    expect(reports.map((r) => r.seq)).toEqual(reports.map((_, i) => i));
    const progress = reports.map((r) => r.progress?.completed ?? 0);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(reports.at(-1)!.progress).toMatchObject({ completed: 8, total: 8 });
    expect(reports.some((r) => (r.throughput?.tokensPerSecond ?? 0) > 0)).toBe(true);

    await eventually(
      "job_complete event",
      () =>
        koi.requests.some(
          (r) => r.path.endsWith("/events") && (r.body as TEventsRequest).events.some((e) => e.type === "job_complete"),
        ),
      10_000,
    );
    const events = koi.requests
      .filter((r) => r.path === "/api/v1/agents/agt_test/events")
      .flatMap((r) => (r.body as TEventsRequest).events);
    const started = events.filter((e) => e.type === "job_started");
    // Orca's id, told apart from a later job's by the time Orca enqueued it.
    expect(started.map((e) => e.eventId.replace(/@[\d.]+$/, "")).sort()).toEqual([
      `job_started:${completedAck.engineRef}-r0`,
      `job_started:${completedAck.engineRef}-r1`,
    ]);
    expect(started.every((e) => e.assignmentId === "asg_batch" && e.epoch === 1)).toBe(true);
    expect(koi.requests.flatMap((r) => r.issues)).toEqual([]);
  });

  it("attaches an online workload to the simulated Tuna router and points it elsewhere with set_routing", async () => {
    koi.queueCommands(
      deployCommand({ assignmentId: "asg_online", workload: { kind: "online", requestsPerSecond: 2 } }),
    );
    await eventually("online report", () => reportsOf("asg_online").length > 0);
    expect(reportsOf("asg_online")[0]).toMatchObject({ state: "running", progress: { unit: "requests", total: null } });
    const routing = command("set_routing", "asg_online", { spotUrl: "http://spot.internal:30001" });
    koi.queueCommands(routing);
    await eventually("set_routing done", () =>
      koi.requests.some((r) => r.path.includes(routing.commandId) && (r.body as TAckRequest).status === "completed"),
    );
    expect(sim.tuna.router.spotUrl).toBe("http://spot.internal:30001");
    type THeartbeat = { inventory: { pools: { id: string }[] }; assignments: { assignmentId: string }[] };
    const heartbeat = await eventually("a heartbeat listing both assignments", () =>
      koi.requests
        .map((r) => (r.path.endsWith("/heartbeat") ? (r.body as THeartbeat) : undefined))
        .find((b) => b && b.assignments.length === 2),
    );
    expect(heartbeat.inventory.pools.map((p) => p.id)).toEqual(
      expect.arrayContaining(["orca:us-east-1:spot:H100-SXM", "tuna:spot:L4", "tuna:serverless:modal:L4"]),
    );
    expect(heartbeat.assignments.map((a) => a.assignmentId)).toEqual(
      expect.arrayContaining(["asg_batch", "asg_online"]),
    );
  });

  it("attaches one online workload to a router at a time: a second deploy waits for the first to stop", async () => {
    const ackOf = (commandId: string) =>
      koi.requests
        .filter((r) => r.path.includes(commandId))
        .map((r) => r.body as TAckRequest)
        .find((b) => b.status !== "accepted");
    const second = deployCommand({ assignmentId: "asg_online_2", workload: { kind: "online", requestsPerSecond: 1 } });
    koi.queueCommands(second);
    const refused = await eventually("second deploy answered", () => ackOf(second.commandId));
    expect(refused).toMatchObject({
      status: "rejected",
      detail: expect.stringContaining("already serves assignment asg_online"),
    });
    expect(reportsOf("asg_online_2")).toEqual([]);

    const stop = command("stop", "asg_online", {});
    koi.queueCommands(stop);
    await eventually("stop done", () => ackOf(stop.commandId)?.status === "completed");
    const third = deployCommand({ assignmentId: "asg_online_3", workload: { kind: "online", requestsPerSecond: 1 } });
    koi.queueCommands(third);
    expect(await eventually("third deploy answered", () => ackOf(third.commandId))).toMatchObject({
      status: "completed",
    });

    // Koi fenced the third (its reports get 409, e.g. replanned while this agent was offline): the
    // router is free again.
    koi.respond((req) =>
      req.path === "/api/v1/assignments/asg_online_3/reports"
        ? { status: 409, body: { error: { code: "stale_epoch", message: "old", requestId: "r" } } }
        : undefined,
    );
    const fourth = deployCommand({ assignmentId: "asg_online_4", workload: { kind: "online", requestsPerSecond: 1 } });
    const thirdReports = () => reportsOf("asg_online_3").length;
    await eventually("the third revoked: its reports stop", async () => {
      const before = thirdReports();
      await new Promise((r) => setTimeout(r, 250));
      return before > 0 && thirdReports() === before;
    });
    koi.queueCommands(fourth);
    expect(await eventually("fourth deploy answered", () => ackOf(fourth.commandId))).toMatchObject({
      status: "completed",
    });
    koi.respond(null);
  });

  it("a submit that times out after Orca accepted it is recovered on redelivery, not launched twice", async () => {
    const koi2 = await startKoiStandIn();
    const dir2 = await mkdtemp(join(tmpdir(), "koi-agent-sim2-"));
    let dropNextSubmitAnswer = true;
    const flakyFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith("/submit/batch") && dropNextSubmitAnswer) {
        dropNextSubmitAnswer = false;
        throw new TypeError("fetch failed: socket hang up");
      }
      return response;
    };
    const second = await KoiAgent.create({
      koiUrl: koi2.url,
      apiKey: "koi_live_test",
      engine: "orca",
      adapters: [
        createOrcaAdapter({
          url: sim.orcaUrl,
          apiKey: null,
          logger: silentLogger,
          allowSyntheticInput: true,
          fetchImpl: flakyFetch,
        }),
      ],
      spoolDir: dir2,
      cluster: { name: "sim2", kind: "cloud", provider: "aws" },
      reportIntervalSeconds: 3600,
      backoff: { baseMs: 10, capMs: 100 },
      logger: silentLogger,
    });
    try {
      await second.start();
      await second.whenRegistered();
      const jobsBefore = sim.orca.jobs.size;
      const deploy = deployCommand({ assignmentId: "asg_retry", workload: { requests: 1234 } });
      koi2.queueCommands(deploy);
      const acked = (status: string) =>
        koi2.requests.filter(
          (r) => r.path.endsWith(`/${deploy.commandId}/ack`) && (r.body as TAckRequest).status === status,
        );
      await eventually("accepted ack", () => acked("accepted").length === 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(acked("completed")).toHaveLength(0);
      expect(second.state.data.commands[deploy.commandId]!.status).toBe("executing");
      koi2.queueCommands(deploy); // the lease ran out: Koi redelivers
      await eventually("completed ack", () => acked("completed").length === 1);
      expect(sim.orca.jobs.size).toBe(jobsBefore + 1);
      expect((acked("completed")[0]!.body as TAckRequest).detail).toMatch(/^recovered mo-llama8b-/);
    } finally {
      await second.stop();
      await koi2.close();
      await rm(dir2, { recursive: true, force: true });
    }
  });
});
