import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZAssignmentReport } from "@koi/contracts";
import { startEngineSim, type TEngineSim } from "@koi/engine-sim";
import { fastSimConfig } from "@koi/engine-sim/testing/sim-fixtures";
import { tunaCostFromRouteStats } from "@koi/catalog";
import { silentLogger } from "../../logger.ts";
import type { TAssignmentRecord } from "../../state/agent-state.ts";
import { assignmentRecord } from "../../testing/assignment-record.ts";
import { command, deployCommand } from "../../testing/commands.ts";
import { createTunaAdapter } from "./tuna-adapter.ts";
import type { TEngineAdapter } from "../types.ts";

const KEY = "router-key";
let sim: TEngineSim;
let adapter: TEngineAdapter;

beforeAll(async () => {
  sim = await startEngineSim(fastSimConfig({ tuna: { apiKey: KEY, spotProvisionSeconds: 3600 } }));
  adapter = createTunaAdapter({
    url: sim.tunaUrl,
    apiKey: KEY,
    gpuType: "L4",
    gpuCount: 1,
    serverlessProvider: "modal",
    spotPricePerGpuHour: 0.4,
    logger: silentLogger,
    env: { RUNPOD_TOKEN: "tok-123" },
  });
});
afterAll(() => sim.close());

const completions = (n: number) =>
  Promise.all(
    Array.from({ length: n }, () =>
      fetch(`${sim.tunaUrl}/v1/completions`, {
        method: "POST",
        headers: { "x-api-key": KEY, "content-type": "application/json" },
        body: JSON.stringify({ model: "m", prompt: "hello", max_tokens: 8 }),
      }).then((r) => r.text()),
    ),
  );

/** The adapter against a router stand-in that answers every request with `answer`. */
const adapterOnRouter = (answer: typeof fetch) =>
  createTunaAdapter({
    url: "http://tuna.internal:8080",
    apiKey: null,
    gpuType: "L4",
    gpuCount: 1,
    serverlessProvider: "modal",
    logger: silentLogger,
    fetchImpl: answer,
  });

describe("Tuna adapter over HTTP against engine-sim", () => {
  it("inventory: a spot and a serverless pool priced from config and Tuna's table", async () => {
    expect(await adapter.inventory()).toEqual([
      {
        id: "tuna:spot:L4",
        gpuType: "L4",
        market: "spot",
        total: 5,
        available: 5,
        replicaSizes: [1],
        quota: null,
        pricePerGpuHour: 0.4,
      },
      {
        id: "tuna:serverless:modal:L4",
        gpuType: "L4",
        market: "serverless",
        total: 1,
        available: 1,
        quota: null,
        pricePerGpuHour: 0.8,
      },
    ]);
  });

  it("attaches to the router and reports requests, routing and `tuna cost` figures since attach", async () => {
    await completions(2); // before the assignment: not counted
    const cmd = deployCommand({ workload: { kind: "online", requestsPerSecond: 5 } });
    const result = await adapter.execute(cmd, undefined);
    expect(result).toMatchObject({
      status: "completed",
      state: "running",
      engineRef: `tuna:${new URL(sim.tunaUrl).host}`,
    });
    const a: TAssignmentRecord = {
      assignmentId: cmd.assignmentId,
      epoch: 1,
      adapter: "tuna",
      engineRef: result.engineRef!,
      state: "running",
      adapterState: result.adapterState!,
      nextSeq: 0,
      finalReported: false,
      updatedAt: "",
    };
    await completions(5);
    const { report } = await adapter.poll(a);
    expect(
      ZAssignmentReport.safeParse({ epoch: 1, seq: 0, at: new Date().toISOString(), ...report }).error,
    ).toBeUndefined();
    expect(report.progress).toEqual({ completed: 5, total: null, unit: "requests" });
    expect(report.routing).toEqual({ spotState: "warming", pctSpot: 0 });
    const byComponent = Object.fromEntries(report.usage.map((u) => [u.component, u]));
    expect(byComponent.serverless).toMatchObject({ requests: 5, costUsd: 0, estimated: true }); // no spot requests yet: Tuna's estimate is 0
    expect(byComponent.router!.requests).toBe(5);
    expect(byComponent.router!.costUsd).toBe(0); // colocated router
    const stats = sim.tuna.router.routeStats();
    const expected = tunaCostFromRouteStats(
      { ...stats, total: 5, serverless: 5 },
      { serverlessPerGpuHour: 0.8, spotPerGpuHour: 0.4, onDemandPerGpuHour: 0.8048 },
      { gpuCount: 1, colocated: true },
    );
    expect(byComponent.spot!.costUsd).toBe(expected.actualSpot);
  });

  it("set_routing posts /router/config with x-api-key and resolves the token locally", async () => {
    const ok = await adapter.execute(
      command("set_routing", "asg_r", {
        serverlessUrl: "https://api.runpod.ai/v2/abc/openai",
        serverlessAuthTokenRef: "env:RUNPOD_TOKEN",
      }),
      undefined,
    );
    expect(ok.status, ok.detail).toBe("completed");
    expect(sim.tuna.router.serverlessUrl).toBe("https://api.runpod.ai/v2/abc/openai");
    expect(sim.tuna.router.serverlessToken).toBe("tok-123");
    expect(ok.detail).not.toContain("tok-123");
    const missing = await adapter.execute(
      command("set_routing", "asg_r", { serverlessAuthTokenRef: "env:NOPE" }),
      undefined,
    );
    expect(missing).toMatchObject({ status: "failed", detail: expect.stringContaining("NOPE") });
    const noKey = createTunaAdapter({
      url: sim.tunaUrl,
      apiKey: null,
      gpuType: "L4",
      gpuCount: 1,
      serverlessProvider: "modal",
      logger: silentLogger,
    });
    expect(
      await noKey.execute(command("set_routing", "asg_r", { spotUrl: "http://spot.example" }), undefined),
    ).toMatchObject({ status: "failed", detail: expect.stringContaining("401") });
  });

  it("with the model its deployment serves, attaches that model under any of its names and refuses others", async () => {
    const serving = createTunaAdapter({
      url: sim.tunaUrl,
      apiKey: KEY,
      model: "meta-llama/Llama-3.1-8B-Instruct",
      gpuType: "L4",
      gpuCount: 1,
      serverlessProvider: "modal",
      logger: silentLogger,
    });
    const deploy = (model: string) =>
      serving.execute(deployCommand({ workload: { kind: "online", model, requestsPerSecond: 1 } }), undefined);
    expect((await deploy("META-LLAMA/Llama-3.1-8B-Instruct")).status).toBe("completed");
    expect((await deploy("llama-3.1-8b")).status).toBe("completed");
    expect(await deploy("Qwen/Qwen2.5-7B-Instruct")).toEqual({
      status: "rejected",
      detail:
        "this Tuna router serves meta-llama/Llama-3.1-8B-Instruct, not Qwen/Qwen2.5-7B-Instruct: a Tuna deployment serves one model (tuna deploy --model)",
    });
  });

  it("reaches a router whose operator renamed its key header (Tuna's API_KEY_HEADER)", async () => {
    const renamed = await startEngineSim(fastSimConfig({ tuna: { apiKey: KEY, apiKeyHeader: "x-router-key" } }));
    try {
      const tuna = createTunaAdapter({
        url: renamed.tunaUrl,
        apiKey: KEY,
        gpuType: "L4",
        gpuCount: 1,
        serverlessProvider: "modal",
        logger: silentLogger,
      });
      expect(await tuna.inventory()).toHaveLength(2);
      const wrong = createTunaAdapter({
        url: renamed.tunaUrl,
        apiKey: "not-the-key",
        gpuType: "L4",
        gpuCount: 1,
        serverlessProvider: "modal",
        logger: silentLogger,
      });
      await expect(wrong.inventory()).rejects.toThrow(/401/);
    } finally {
      await renamed.close();
    }
  });

  it("says so when it attaches to a router that has no backends yet", async () => {
    const bare = adapterOnRouter(async () =>
      Response.json({ ...sim.tuna.router.health(), serverless_base_url: "", skyserve_base_url: "" }),
    );
    const attached = await bare.execute(
      deployCommand({ workload: { kind: "online", requestsPerSecond: 1 } }),
      undefined,
    );
    expect(attached).toMatchObject({
      status: "completed",
      detail: expect.stringContaining("it has no backends yet and answers every request 503"),
    });
  });

  it("reports serverless usage as a counter that only grows while the mean spot request falls", async () => {
    // Serverless served 100 requests while spot requests took 10 s each; then spot served 990 more of 1 s.
    const routed = [
      { spot: 10, serverless: 100, gpu_seconds_spot: 100 },
      { spot: 1000, serverless: 100, gpu_seconds_spot: 1090 },
    ];
    let polls = 0;
    const stats = sim.tuna.router.routeStats();
    const moving = adapterOnRouter(async () => {
      const r = polls === 0 ? { spot: 0, serverless: 0, gpu_seconds_spot: 0 } : routed[Math.min(polls, 2) - 1]!;
      polls++;
      return Response.json({
        ...sim.tuna.router.health(),
        route_stats: {
          ...stats,
          ...r,
          total: r.spot + r.serverless,
          gpu_seconds_serverless: 0,
          uptime_seconds: polls,
        },
      });
    });
    const attached = await moving.execute(
      deployCommand({ workload: { kind: "online", requestsPerSecond: 1 } }),
      undefined,
    );
    const a = assignmentRecord("tuna", "asg_moving", {
      engineRef: attached.engineRef!,
      adapterState: attached.adapterState!,
    });
    const serverlessCost = async () => {
      const { report, adapterState } = await moving.poll(a);
      a.adapterState = adapterState!;
      return report.usage.find((u) => u.component === "serverless")!.costUsd;
    };
    const first = await serverlessCost(); // 100 requests × 10 s on Modal's L4 ($0.80/GPU-h)
    expect(first).toBeCloseTo((1000 / 3600) * 0.8, 9);
    // Tuna's formula now says 100 × 1.09 s; Koi would read the fall as a restart and bill it again.
    expect(await serverlessCost()).toBe(first);
  });

  it("refuses scale, swap and pause: Tuna follows its own scaling policy", async () => {
    for (const type of ["scale", "pause"] as const) {
      const result = await adapter.execute(
        type === "scale" ? command("scale", "asg_r", { count: 2 }) : command("pause", "asg_r", {}),
        undefined,
      );
      expect(result).toMatchObject({ status: "rejected", detail: expect.stringContaining("scaling policy") });
    }
  });
});
