import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZAssignmentReport, type TTunaScalingPolicyWire } from "@koi/contracts";
import { startEngineSim, type TEngineSim } from "@koi/engine-sim";
import { fastSimConfig } from "@koi/engine-sim/testing/sim-fixtures";
import { silentLogger } from "../../logger.ts";
import type { TAssignmentRecord } from "../../state/agent-state.ts";
import { assignmentRecord } from "../../testing/assignment-record.ts";
import { tunaRouterHealth } from "../../testing/tuna-router-health.ts";
import { command, deployCommand } from "../../testing/commands.ts";
import type { TEngineAdapter, TPollResult } from "../types.ts";
import { createTunaAdapter } from "./tuna-adapter.ts";

const KEY = "router-key";
let sim: TEngineSim;
let adapter: TEngineAdapter;
let l40sUrl: string;
/** The assignment the tests drive, as the agent keeps it between commands and polls. */
let a: TAssignmentRecord;

const policy = (minReplicas: number): TTunaScalingPolicyWire => ({
  spot: { min_replicas: minReplicas, max_replicas: 4, target_qps: 2, upscale_delay: 2, downscale_delay: 20 },
  serverless: { concurrency: 16, scaledown_window: 60, workers_min: 0, workers_max: 2 },
});

const simPolicy = async (service?: string): Promise<TTunaScalingPolicyWire> =>
  (await (
    await fetch(`${sim.tunaUrl}/router/scaling-policy${service ? `?service=${service}` : ""}`, {
      headers: { "x-api-key": KEY },
    })
  ).json()) as TTunaScalingPolicyWire;

beforeAll(async () => {
  // A steady 3 req/s through the router, so spot has traffic to carry before and after the move.
  sim = await startEngineSim(
    fastSimConfig({
      tuna: {
        apiKey: KEY,
        spotServices: [{ gpuType: "L40S", gpuCount: 1 }],
        dailyLoad: { peakRps: 3, troughRps: 3, avgInputTokens: 400, avgOutputTokens: 100 },
      },
    }),
  );
  l40sUrl = `${sim.tunaUrl}/_sim/skyserve/L40S`;
  adapter = createTunaAdapter({
    url: sim.tunaUrl,
    apiKey: KEY,
    gpuType: "L4",
    gpuCount: 1,
    serverlessProvider: "modal",
    spotPricePerGpuHour: 0.4,
    variants: [{ gpuType: "L40S", gpuCount: 1, spotUrl: l40sUrl, spotPricePerGpuHour: 0.9 }],
    logger: silentLogger,
  });
});
afterAll(() => sim.close());

describe("Tuna adapter: moving an online service to another GPU type", () => {
  it("lists one spot pool per spot service, each with its own GPUs per replica and price", async () => {
    const pools = await adapter.inventory();
    expect(pools.map((p) => [p.id, p.market, p.replicaSizes, p.pricePerGpuHour])).toEqual([
      ["tuna:spot:L4", "spot", [1], 0.4],
      ["tuna:spot:L40S", "spot", [1], 0.9],
      ["tuna:serverless:modal:L4", "serverless", undefined, 0.8],
    ]);
  });

  it("boots the new service beside the old, moves the router once it answers, drains, then idles the old", async () => {
    const cmd = deployCommand({ workload: { kind: "online", requestsPerSecond: 3 } });
    const deployed = await adapter.execute(cmd, undefined);
    expect(deployed.status, deployed.detail).toBe("completed");
    a = assignmentRecord("tuna", cmd.assignmentId, {
      engineRef: deployed.engineRef!,
      adapterState: deployed.adapterState!,
    });

    const unknown = await adapter.execute(
      command("set_scaling", a.assignmentId, {
        policy: policy(1),
        decisionId: "dec_x",
        variant: { poolId: "tuna:spot:H100", gpuType: "H100", tp: 1 },
      }),
      a,
    );
    expect(unknown).toMatchObject({ status: "rejected", detail: expect.stringContaining("L4, L40S") });

    const own = await adapter.execute(
      command("set_scaling", a.assignmentId, {
        policy: policy(1),
        decisionId: "dec_0",
        variant: { poolId: "tuna:spot:L4", gpuType: "L4", tp: 1 },
      }),
      a,
    );
    expect(own).toMatchObject({ status: "completed", detail: expect.stringMatching(/^scaling policy applied/) });
    a = { ...a, adapterState: own.adapterState! };
    expect((await simPolicy()).spot.min_replicas).toBe(1);

    const start = await adapter.execute(
      command("set_scaling", a.assignmentId, {
        policy: policy(2),
        decisionId: "dec_1",
        variant: { poolId: "tuna:spot:L40S", gpuType: "L40S", tp: 1 },
      }),
      a,
    );
    expect(start.status, start.detail).toBe("completed");
    expect(start.detail).toMatch(/switching spot from L4 to L40S/);
    a = { ...a, adapterState: start.adapterState! };
    // The old service keeps the policy it ran, which its replicas are estimated under while the new one boots.
    expect((a.adapterState as { switching?: { fromPolicy?: unknown } }).switching?.fromPolicy).toEqual(policy(1));
    // The new service runs the policy with its floor; the router still sends spot traffic to the old one.
    expect((await simPolicy("L40S")).spot.min_replicas).toBe(2);
    expect(sim.tuna.router.spotUrl).toMatch(/\/_sim\/spot$/);

    const polls: TPollResult[] = [];
    let replayed: TPollResult | null = null;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const polled = await adapter.poll(a);
      polls.push(polled);
      // The moving poll again from the state before it, as when Koi refused its report and the
      // agent kept its old state: the same move is the same event, which Koi then drops.
      if (!replayed && polled.events?.some((e) => e.type === "variant_switched")) replayed = await adapter.poll(a);
      a = { ...a, adapterState: polled.adapterState! };
      if (!(a.adapterState as { switching?: unknown }).switching) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((a.adapterState as { switching?: unknown }).switching).toBeUndefined();
    const moved = polls.flatMap((p) => p.events ?? []).filter((e) => e.type === "variant_switched");
    expect(moved).toHaveLength(1);
    expect(moved[0]!.detail).toMatch(/spot moved from L4 to L40S/);
    expect(replayed?.events?.filter((e) => e.type === "variant_switched").map((e) => e.eventId)).toEqual([
      moved[0]!.eventId,
    ]);
    expect(sim.tuna.router.spotUrl).toBe(l40sUrl);
    // Each sample names the service that served it: the one the router named when it was read.
    const servedBy = polls.map((p) => p.report.online?.spotGpuType).filter(Boolean);
    const movedAt = polls.findIndex((p) => p.events?.some((e) => e.type === "variant_switched"));
    expect(polls[movedAt]!.report.online?.spotGpuType).toBe("L4");
    // What the router counted up to the move was served by L4: none of it is billed to L40S.
    const atMove = polls[movedAt]!.report.usage.filter((u) => u.component === "spot");
    expect(atMove.find((u) => u.gpuType === "L40S")?.requests).toBe(0);
    expect(atMove.find((u) => u.gpuType === "L4")!.requests).toBeGreaterThan(0);
    // The interval after the move is L40S's at the floor it booted with (2), not at the count the
    // router gave for L4 (1) at the moving poll.
    const spotSeconds = (p: TPollResult, gpu: string) =>
      p.report.usage.find((u) => u.component === "spot" && u.gpuType === gpu)?.seconds ?? 0;
    const uptime = (p: TPollResult) => p.report.usage.find((u) => u.component === "router")!.seconds;
    const [moving, after] = [polls[movedAt]!, polls[movedAt + 1]!];
    expect(spotSeconds(after, "L40S") - spotSeconds(moving, "L40S")).toBeCloseTo(
      2 * (uptime(after) - uptime(moving)),
      6,
    );
    expect(servedBy.at(-1)).toBe("L40S");
    expect((a.adapterState as { variant?: string }).variant).toBe("L40S");
    // The old service keeps its ceiling but loses its floor: SkyServe scales it to zero once idle.
    expect((await simPolicy()).spot).toMatchObject({ min_replicas: 0, max_replicas: 4 });

    const last = polls.at(-1)!.report;
    expect(ZAssignmentReport.safeParse({ epoch: 1, seq: 9, at: new Date().toISOString(), ...last }).error).toBe(
      undefined,
    );
    const spot = Object.fromEntries(last.usage.filter((u) => u.component === "spot").map((u) => [u.gpuType, u]));
    // Each service is billed at its own price; the boot and the drain, which the router does not see, are estimates.
    expect(spot.L40S!.seconds).toBeGreaterThan(0);
    expect(spot.L40S!.costUsd).toBeCloseTo((spot.L40S!.seconds / 3600) * 0.9, 9);
    expect(spot.L40S!.estimated).toBe(true);
    expect(spot.L4!.costUsd).toBeCloseTo((spot.L4!.seconds / 3600) * 0.4, 9);
  });

  it("refuses to move a real Tuna router without a command that repoints its replica watcher", async () => {
    const health = tunaRouterHealth({ uptime: 10 });
    const real = createTunaAdapter({
      url: "http://tuna.internal:8080",
      apiKey: null,
      gpuType: "L4",
      gpuCount: 1,
      serverlessProvider: "modal",
      scalingPolicyCommand: ["true"],
      variants: [{ gpuType: "L40S", gpuCount: 1, spotUrl: "http://controller:30002" }],
      logger: silentLogger,
      fetchImpl: (async () => Response.json(health)) as typeof fetch,
    });
    const deployed = await real.execute(deployCommand({ workload: { kind: "online" } }), undefined);
    const switched = await real.execute(
      command("set_scaling", "asg_real", {
        policy: policy(1),
        decisionId: "dec_2",
        variant: { poolId: "tuna:spot:L40S", gpuType: "L40S", tp: 1 },
      }),
      assignmentRecord("tuna", "asg_real", { engineRef: deployed.engineRef!, adapterState: deployed.adapterState! }),
    );
    expect(switched).toMatchObject({
      status: "rejected",
      detail: expect.stringContaining("--tuna-switch-command"),
    });
  });

  it("points a router that names another service again (a restart reads its environment) back at the one serving", async () => {
    await fetch(`${sim.tunaUrl}/router/config`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ spot_url: `${sim.tunaUrl}/_sim/spot` }),
    });
    const polled = await adapter.poll(a);
    a = { ...a, adapterState: polled.adapterState! };
    expect(sim.tuna.router.spotUrl).toBe(l40sUrl);
    expect(polled.events?.find((e) => e.type === "variant_switched")?.detail).toMatch(/pointed back at the L40S/);
  });

  it("a policy for the service serving calls off a switch still booting, which goes back to zero", async () => {
    const toL4 = await adapter.execute(
      command("set_scaling", a.assignmentId, {
        policy: policy(2),
        decisionId: "dec_3",
        variant: { poolId: "tuna:spot:L4", gpuType: "L4", tp: 1 },
      }),
      a,
    );
    expect(toL4.detail).toMatch(/switching spot from L40S to L4/);
    a = { ...a, adapterState: toL4.adapterState! };
    expect((await simPolicy()).spot.min_replicas).toBe(2);
    const stay = await adapter.execute(
      command("set_scaling", a.assignmentId, {
        policy: policy(1),
        decisionId: "dec_4",
        variant: { poolId: "tuna:spot:L40S", gpuType: "L40S", tp: 1 },
      }),
      a,
    );
    expect(stay.detail).toMatch(/the switch to L4 is called off/);
    a = { ...a, adapterState: stay.adapterState! };
    expect((a.adapterState as { switching?: unknown }).switching).toBeUndefined();
    expect((await simPolicy()).spot.min_replicas).toBe(0);
    expect((await simPolicy("L40S")).spot.min_replicas).toBe(1);
    expect(sim.tuna.router.spotUrl).toBe(l40sUrl);
  });
});
