import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZAssignmentReport, type TLifecycleEvent } from "@koi/contracts";
import { startEngineSim, type TEngineSim } from "@koi/engine-sim";
import { fastSimConfig } from "@koi/engine-sim/testing/sim-fixtures";
import { silentLogger } from "../../logger.ts";
import type { TAssignmentRecord } from "../../state/agent-state.ts";
import { command, deployCommand } from "../../testing/commands.ts";
import { eventually } from "@koi/sdk/testing/koi-stand-in";
import type { TEngineAdapter, TExecuteResult } from "../types.ts";
import { createOrcaAdapter } from "./orca-adapter.ts";
import { startOrcaWebhookListener } from "./orca-webhook-listener.ts";

const KEY = "orca-key";
let sim: TEngineSim;
let adapter: TEngineAdapter;
const sent: { url: string; body: unknown; auth: string | null }[] = [];

const recordingFetch: typeof fetch = async (input, init) => {
  const headers = new Headers(init?.headers);
  sent.push({
    url: String(input),
    body: init?.body ? JSON.parse(String(init.body)) : undefined,
    auth: headers.get("authorization"),
  });
  return fetch(input, init);
};

beforeAll(async () => {
  sim = await startEngineSim(fastSimConfig({ orca: { apiKey: KEY } }));
  adapter = createOrcaAdapter({
    url: sim.orcaUrl,
    apiKey: KEY,
    logger: silentLogger,
    allowSyntheticInput: true,
    fetchImpl: recordingFetch,
  });
});
afterAll(() => sim.close());

function record(assignmentId: string, result: TExecuteResult): TAssignmentRecord {
  return {
    assignmentId,
    epoch: 1,
    adapter: "orca",
    engineRef: result.engineRef ?? null,
    state: result.state ?? "deploying",
    adapterState: result.adapterState ?? {},
    nextSeq: 0,
    finalReported: false,
    updatedAt: new Date().toISOString(),
  };
}

async function deploy(requests = 4000, placement = {}) {
  const cmd = deployCommand({ workload: { requests }, placement });
  const result = await adapter.execute(cmd, undefined);
  expect(result.status, result.detail).toBe("completed");
  return record(cmd.assignmentId, result);
}

async function poll(a: TAssignmentRecord) {
  const { report, adapterState } = await adapter.poll(a);
  a.adapterState = adapterState ?? a.adapterState;
  a.state = report.state;
  expect(
    ZAssignmentReport.safeParse({ epoch: 1, seq: a.nextSeq++, at: new Date().toISOString(), ...report }).error,
  ).toBeUndefined();
  return report;
}

async function replicas(jobId: string) {
  const body = (await (await fetch(`${sim.orcaUrl}/job/${jobId}/replicas`)).json()) as {
    replicas: { replica_id: string; phase: string }[];
  };
  return body.replicas;
}

async function liveReplicaIds(jobId: string) {
  return (await replicas(jobId))
    .filter((r) => ["launching", "provisioned", "running"].includes(r.phase))
    .map((r) => r.replica_id);
}

/** Usage lines a fresh adapter bills over one hour once `ready` holds for the job's replicas. */
async function usageOverAnHour(a: TAssignmentRecord, ready: (replicas: { phase: string }[]) => boolean) {
  let clock = Date.now();
  const timed = createOrcaAdapter({ url: sim.orcaUrl, apiKey: KEY, logger: silentLogger, nowMs: () => clock });
  await eventually("the replicas running", async () => (ready(await replicas(a.engineRef!)) ? true : undefined));
  const first = await timed.poll(a);
  a.adapterState = first.adapterState ?? a.adapterState;
  clock += 3600_000;
  return (await timed.poll(a)).report.usage;
}

describe("Orca adapter over HTTP against engine-sim", () => {
  it("inventory comes from /resources + /quota/status: vCPU quota → GPUs, no A100-80GB, OD prices only", async () => {
    const pools = await adapter.inventory();
    const h100 = pools.find((p) => p.id === "orca:us-east-1:spot:H100-SXM");
    expect(h100).toMatchObject({ gpuType: "H100-SXM", market: "spot", total: 16, quota: 16, pricePerGpuHour: null });
    expect(pools.find((p) => p.id === "orca:us-east-1:on-demand:A100-40GB")).toMatchObject({
      total: 16,
      pricePerGpuHour: 4.0963,
    });
    expect(pools.some((p) => p.gpuType === "A100-80GB")).toBe(false);
    expect(pools.every((p) => p.available <= p.total)).toBe(true);
  });

  it("deploy submits a user-specified BatchedRequest; progress rises to completion with usage", async () => {
    const a = await deploy(4000, { gpuType: "A100-80GB", market: "on-demand", replicas: 1 });
    const submit = sent.find((s) => s.url.endsWith("/submit/batch"))!;
    expect(submit.body).toMatchObject({
      placement_solver: "user_specified",
      gpu_type: "A100",
      tp_size: 1,
      pp_size: 1,
      replicas: 1,
      planned_market: "on_demand",
      force: true,
      koi_predicted_tps: 3000,
    });
    expect(submit.auth).toBeNull();
    const seen: number[] = [];
    const final = await eventually("completion", async () => {
      const report = await poll(a);
      if (report.progress) seen.push(report.progress.completed);
      return report.state === "completed" ? report : undefined;
    });
    expect(final.progress).toEqual({ completed: 4, total: 4, unit: "chunks" }); // synthetic input: 4 chunks per replica
    expect(seen.some((n) => n > 0 && n < 4)).toBe(true);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
    expect(final.usage[0]).toMatchObject({ component: "on-demand", gpuType: "A100-40GB", estimated: true });
    expect(final.usage[0]!.costUsd).toBeGreaterThan(0);
    expect(sent.filter((s) => s.url.includes("/chunks/progress")).every((s) => s.auth === `Bearer ${KEY}`)).toBe(true);
  });

  it("scale sets the live replica count: adds with an explicit config, removes the newest", async () => {
    const a = await deploy(200_000);
    const jobId = a.engineRef!;
    const up = await adapter.execute(command("scale", a.assignmentId, { count: 3 }), a);
    expect(up).toMatchObject({ status: "completed", detail: expect.stringContaining(`${jobId}-v2-r0`) });
    const scaleBody = sent.filter((s) => s.url.endsWith("/scale")).at(-1)!;
    expect(scaleBody.body).toEqual({
      count: 1,
      gpu_type: "L40S",
      tp_size: 1,
      pp_size: 1,
      planned_market: "spot",
      on_demand: false,
      force: true,
    });
    expect(await liveReplicaIds(jobId)).toHaveLength(3);
    // All serving first: launching replicas are removed before serving ones, whatever their age, and
    // on a loaded machine the first replica can still be launching when the new ones are up.
    await eventually(
      "three running replicas",
      async () => (await replicas(jobId)).filter((r) => r.phase === "running").length === 3,
    );
    const down = await adapter.execute(command("scale", a.assignmentId, { count: 1 }), a);
    expect(down.status).toBe("completed");
    expect(await liveReplicaIds(jobId)).toEqual([`${jobId}-r0`]);
  });

  it("swap sends force:true (Orca 500s without it) and the market both ways; stop kills the live replicas from /replicas", async () => {
    const a = await deploy(200_000);
    const jobId = a.engineRef!;
    const swapped = await adapter.execute(command("swap", a.assignmentId, { gpuType: "A10G", tp: 1 }), a);
    expect(swapped.status, swapped.detail).toBe("completed");
    a.adapterState = swapped.adapterState!;
    expect(sent.filter((s) => s.url.endsWith("/swap")).at(-1)!.body).toMatchObject({
      gpu_type: "A10G",
      force: true,
      num_replicas: 2,
      planned_market: "spot",
      on_demand: false,
    });
    const stopped = await adapter.execute(command("stop", a.assignmentId, {}), a);
    expect(stopped).toMatchObject({ status: "completed", state: "stopped" });
    expect(sent.filter((s) => s.url.endsWith("/kill")).at(-1)!.body).toEqual({
      replica_ids: [`${jobId}-r0`, `${jobId}-r1`, `${jobId}-v2-r0`, `${jobId}-v2-r1`].sort().reverse(),
    });
    expect(await liveReplicaIds(jobId)).toEqual([]);
    a.adapterState = stopped.adapterState!;
    expect((await poll(a)).state).toBe("stopped");
  });

  it("pause kills every replica and remembers the count; resume brings them back", async () => {
    const a = await deploy(200_000);
    const paused = await adapter.execute(command("pause", a.assignmentId, {}), a);
    expect(paused).toMatchObject({ status: "completed", state: "paused" });
    expect(await liveReplicaIds(a.engineRef!)).toEqual([]);
    a.adapterState = paused.adapterState!;
    const resumed = await adapter.execute(command("resume", a.assignmentId, {}), a);
    expect(resumed.status).toBe("completed");
    expect(await liveReplicaIds(a.engineRef!)).toHaveLength(2);
  });

  it("bills a replica that spans machines for every machine, not for the one instance type Orca names", async () => {
    // TP 8 × PP 2 on H100: Orca launches two 8-GPU p5.48xlarge per replica.
    const a = await deploy(200_000, { gpuType: "H100-SXM", tp: 8, pp: 2, market: "spot", replicas: 1 });
    const usage = await usageOverAnHour(a, (rs) => rs.some((r) => r.phase === "running"));
    const line = usage.find((u) => u.component === "spot" && u.gpuType === "H100-SXM");
    expect(line?.seconds).toBeCloseTo(16 * 3600, 0);
  });

  it("bills a replica a scale added for one machine per pipeline stage, as Orca's _do_scale launches it", async () => {
    // Submitted TP 4: one 8-GPU p4d.24xlarge. Scaled with PP 2: Orca launches num_instances = pp_size
    // p4d.24xlarge for the new replica (16 GPUs), where a submit would pack both stages into one.
    const a = await deploy(200_000, { gpuType: "A100-40GB", tp: 4, pp: 1, market: "spot", replicas: 1 });
    const scaled = await adapter.execute(command("scale", a.assignmentId, { count: 2, pp: 2 }), a);
    expect(scaled.status, scaled.detail).toBe("completed");
    a.adapterState = scaled.adapterState!;
    const usage = await usageOverAnHour(a, (rs) => rs.filter((r) => r.phase === "running").length === 2);
    const line = usage.find((u) => u.component === "spot" && u.gpuType === "A100-40GB");
    expect(line?.seconds).toBeCloseTo((8 + 16) * 3600, 0);
  });

  it("bills a replica Orca launched on one of Koi's alternatives for the machines Orca gives that alternative", async () => {
    // H100 TP 8 × PP 4 needs four p5.48xlarge, beyond the sim's 16 on-demand H100: Orca falls back to
    // the alternative, A10G TP 4 × PP 2, which it launches on two 4-GPU g5.12xlarge.
    const cmd = deployCommand({
      workload: { requests: 200_000 },
      placement: { gpuType: "H100-SXM", tp: 8, pp: 4, market: "on-demand", replicas: 1 },
      alternatives: [{ gpuType: "A10G", tp: 4, pp: 2, market: "spot" }],
    });
    const deployed = await adapter.execute(cmd, undefined);
    expect(deployed.status, deployed.detail).toBe("completed");
    const a = record(cmd.assignmentId, deployed);
    const usage = await usageOverAnHour(a, (rs) => rs.some((r) => r.phase === "running"));
    const line = usage.find((u) => u.component === "spot" && u.gpuType === "A10G");
    expect(line?.seconds).toBeCloseTo(8 * 3600, 0);
    expect((await adapter.execute(command("stop", a.assignmentId, {}), a)).status).toBe("completed");
  });

  it("launches and scales to no more replicas than the input has chunks (the rest would sit idle)", async () => {
    const cmd = deployCommand({
      workload: { requests: 200_000, input: { uri: "s3://data/whole.jsonl" } },
      placement: { replicas: 2 },
    });
    const result = await adapter.execute(cmd, undefined);
    expect(result.detail).toContain("1 replica(s)");
    expect(result.detail).toContain("1 input chunk(s) feed 1 replica(s), not the 2 planned");
    const a = record(cmd.assignmentId, result);
    const scaled = await adapter.execute(command("scale", a.assignmentId, { count: 3 }), a);
    expect(scaled.detail).toBe("already at 1 live replica(s); 1 input chunk(s) feed at most 1 replica(s)");
    expect(await liveReplicaIds(a.engineRef!)).toHaveLength(1);
  });

  it("keeps reporting when Orca's job status is a word outside its list (runner phases land there)", async () => {
    const a = await deploy(200_000);
    // Orca's /job/{id}/phase route stores whatever phase a runner posts as the job's status.
    const rewriting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith(`/job/${a.engineRef}`)) return response;
      const body = (await response.json()) as Record<string, unknown>;
      return Response.json({ ...body, status: "warming_up" }, { status: response.status });
    };
    const lenient = createOrcaAdapter({ url: sim.orcaUrl, apiKey: KEY, logger: silentLogger, fetchImpl: rewriting });
    const report = await eventually("a running replica", async () =>
      (await replicas(a.engineRef!)).some((r) => r.phase === "running") ? (await lenient.poll(a)).report : undefined,
    );
    expect(report.state).toBe("running");
  });

  it("a job stays running while an added replica loads its model (Orca writes that replica's phase into the job)", async () => {
    // Model loads of 600 simulated seconds (1 s here): long enough to poll during the second one.
    const slow = await startEngineSim(fastSimConfig({ orca: { apiKey: KEY, modelLoadSeconds: [600, 600] } }));
    try {
      const orca = createOrcaAdapter({
        url: slow.orcaUrl,
        apiKey: KEY,
        logger: silentLogger,
        allowSyntheticInput: true,
      });
      const cmd = deployCommand({ workload: { requests: 200_000 } });
      const a = record(cmd.assignmentId, await orca.execute(cmd, undefined));
      const jobStatus = async () =>
        ((await (await fetch(`${slow.orcaUrl}/job/${a.engineRef}`)).json()) as { status: string }).status;
      await eventually("the first replica generating", async () => (await jobStatus()) === "generating");
      expect((await orca.execute(command("scale", a.assignmentId, { count: 3 }), a)).status).toBe("completed");
      await eventually("the added replica loading", async () => (await jobStatus()) === "loading_model");
      expect((await orca.poll(a)).report.state).toBe("running");
    } finally {
      await slow.close();
    }
  }, 20_000);

  it("a job a restarted Orca forgot runs on from its chunk queue, billed at its replicas' last rate, and is not scaled", async () => {
    const restarting = await startEngineSim(fastSimConfig({ orca: { apiKey: KEY } }));
    try {
      let now = Date.now();
      const orca = createOrcaAdapter({
        url: restarting.orcaUrl,
        apiKey: KEY,
        logger: silentLogger,
        allowSyntheticInput: true,
        nowMs: () => now,
      });
      const cmd = deployCommand({ workload: { requests: 2_000_000 } });
      const a = record(cmd.assignmentId, await orca.execute(cmd, undefined));
      const pollOnce = async () => {
        const { report, adapterState } = await orca.poll(a);
        a.adapterState = adapterState ?? a.adapterState;
        return report;
      };
      await eventually("two replicas serving", async () => {
        await pollOnce();
        const body = (await (await fetch(`${restarting.orcaUrl}/job/${a.engineRef}/replicas`)).json()) as {
          replicas: { phase: string }[];
        };
        return body.replicas.filter((r) => r.phase === "running").length === 2;
      });
      now += 60_000;
      const known = await pollOnce();
      const gpuSeconds = (r: typeof known) => r.usage.reduce((sum, u) => sum + u.seconds, 0);
      restarting.orca.restart();
      now += 60_000;
      const forgotten = await pollOnce();
      // Before: the 404 read as "lost", which ends the assignment and plans the workload again
      // while Orca's replicas still run it.
      expect(forgotten.state).toBe("running");
      expect(forgotten.progress).toMatchObject({ unit: "chunks", total: known.progress!.total });
      // Two L40S replicas for another minute.
      expect(gpuSeconds(forgotten) - gpuSeconds(known)).toBeCloseTo(120, 6);
      // Its /replicas is empty now: a scale would launch the whole count beside the running ones.
      expect(await orca.execute(command("scale", a.assignmentId, { count: 3 }), a)).toMatchObject({
        status: "rejected",
        detail: expect.stringContaining("Orca restarted"),
      });
    } finally {
      await restarting.close();
    }
  });

  it("refuses what Orca cannot do", async () => {
    expect((await adapter.execute(deployCommand({ placement: { gpuType: "MI300X" } }), undefined)).status).toBe(
      "rejected",
    );
    expect((await adapter.execute(deployCommand({ placement: { market: "serverless" } }), undefined)).status).toBe(
      "rejected",
    );
  });
});

describe("prefill/decode splits (Koi's extension, which the simulator declares)", () => {
  const groups = [
    { gpuType: "H100-SXM", tp: 1, pp: 1, replicas: 1, market: "on-demand", role: "prefill" },
    { gpuType: "L40S", tp: 1, pp: 1, replicas: 2, market: "spot", role: "decode" },
  ] as const;
  const splitDeploy = () =>
    deployCommand({
      workload: { requests: 4000 },
      placement: { gpuType: "L40S", replicas: 2, market: "spot" },
      groups: groups.map((g) => ({ ...g })),
    });

  it("the engine's capability is detected; a split deploy sends its role-tagged groups and runs to completion", async () => {
    expect(await adapter.detectCapabilities!()).toEqual(["pd_disaggregation"]);
    const cmd = splitDeploy();
    const result = await adapter.execute(cmd, undefined);
    expect(result.status, result.detail).toBe("completed");
    const submit = sent.filter((s) => s.url.endsWith("/submit/batch")).at(-1)!;
    expect(submit.body).toMatchObject({
      is_PD_disaggregation: true,
      koi_pd_groups: [
        { role: "prefill", gpu_type: "H100", tp_size: 1, pp_size: 1, replicas: 1, planned_market: "on_demand" },
        { role: "decode", gpu_type: "L40S", tp_size: 1, pp_size: 1, replicas: 2, planned_market: "spot" },
      ],
    });
    const a = record(cmd.assignmentId, result);
    const roles = (await replicas(a.engineRef!)).map((r) => (r as { koi_role?: string }).koi_role);
    expect(roles).toEqual(["prefill", "decode", "decode"]);
    const final = await eventually("completion", async () => {
      const report = await poll(a);
      return report.state === "completed" ? report : undefined;
    });
    expect(final.progress).toMatchObject({ completed: 8, total: 8 });
    // Both sides are billed: the prefill GPUs run (and cost) while the decode side generates.
    expect(final.usage.map((u) => `${u.component} ${u.gpuType}`).sort()).toEqual(["on-demand H100-SXM", "spot L40S"]);
    expect(final.usage.every((u) => u.costUsd > 0)).toBe(true);
  });

  it("bills a split's group that spans machines for every machine its stages take", async () => {
    // The prefill group, H100 TP 8 × PP 2, launches on two p5.48xlarge like a submitted config.
    const cmd = deployCommand({
      workload: { requests: 200_000 },
      placement: { gpuType: "L40S", replicas: 1, market: "spot" },
      groups: [
        { gpuType: "H100-SXM", tp: 8, pp: 2, replicas: 1, market: "on-demand", role: "prefill" },
        { gpuType: "L40S", tp: 1, pp: 1, replicas: 1, market: "spot", role: "decode" },
      ],
    });
    const deployed = await adapter.execute(cmd, undefined);
    expect(deployed.status, deployed.detail).toBe("completed");
    const a = record(cmd.assignmentId, deployed);
    const usage = await usageOverAnHour(a, (rs) => rs.every((r) => r.phase === "running"));
    const line = usage.find((u) => u.component === "on-demand" && u.gpuType === "H100-SXM");
    expect(line?.seconds).toBeCloseTo(16 * 3600, 0);
    // Every on-demand H100 the simulator has: give them back to the next test's prefill group.
    expect((await adapter.execute(command("stop", a.assignmentId, {}), a)).status).toBe("completed");
  });

  it("a split job is not scaled, swapped or paused with colocated replicas", async () => {
    const cmd = splitDeploy();
    const a = record(cmd.assignmentId, await adapter.execute(cmd, undefined));
    for (const next of [
      command("scale", a.assignmentId, { count: 4 }),
      command("swap", a.assignmentId, { gpuType: "H100-SXM", tp: 1, pp: 1, market: "on-demand" }),
      command("pause", a.assignmentId, {}),
    ])
      expect(await adapter.execute(next, a)).toMatchObject({
        status: "rejected",
        detail: expect.stringContaining("Koi replans it instead"),
      });
    expect(await liveReplicaIds(a.engineRef!)).toHaveLength(3);
    expect(await adapter.execute(command("stop", a.assignmentId, {}), a)).toMatchObject({ status: "completed" });
    expect(await liveReplicaIds(a.engineRef!)).toEqual([]);
  });

  it("an engine without the extension (Orca answers 404) gets no split: the deploy is refused before any submit", async () => {
    const orca = createServer((_req, res) => {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ detail: "Not Found" }));
    });
    await new Promise<void>((resolve) => orca.listen(0, "127.0.0.1", resolve));
    const seen: string[] = [];
    const plain = createOrcaAdapter({
      url: `http://127.0.0.1:${(orca.address() as AddressInfo).port}`,
      apiKey: null,
      logger: silentLogger,
      allowSyntheticInput: true,
      fetchImpl: (input, init) => {
        seen.push(new URL(String(input)).pathname);
        return fetch(input, init);
      },
    });
    try {
      expect(await plain.detectCapabilities!()).toEqual([]);
      expect(await plain.execute(splitDeploy(), undefined)).toMatchObject({
        status: "rejected",
        detail: expect.stringContaining("colocated replicas only"),
      });
      expect(seen).toEqual(["/koi/capabilities"]);
    } finally {
      await new Promise((resolve) => orca.close(resolve));
    }
  });
});

describe("Orca webhooks through the agent's listener", () => {
  it("are delivered with Orca's retries when the receiver answers 503, then spooled once", async () => {
    const events: TLifecycleEvent[] = [];
    let failuresLeft = 2;
    const listener = await startOrcaWebhookListener(
      { host: "127.0.0.1", port: 0, pathPrefix: "/orca", secret: "hook-secret", logger: silentLogger },
      async (batch) => {
        if (failuresLeft-- > 0) throw new Error("disk full");
        events.push(...batch);
      },
    );
    const url = new URL(listener.url);
    const hooked = await startEngineSim(
      fastSimConfig({ orca: { koiServiceUrl: `http://orca:hook-secret@${url.host}/orca` } }),
    );
    try {
      const a = createOrcaAdapter({
        url: hooked.orcaUrl,
        apiKey: null,
        logger: silentLogger,
        allowSyntheticInput: true,
      });
      const result = await a.execute(deployCommand({ placement: { replicas: 1 } }), undefined);
      const jobId = result.engineRef!;
      await eventually("job_complete", () => events.some((e) => e.type === "job_complete"));
      const statuses = hooked.orca.outbox.attempts.map((x) => x.status);
      expect(statuses.slice(0, 2)).toEqual([503, 503]);
      expect(statuses.every((s) => s === 503 || s === 200)).toBe(true);
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      const started = events.find((e) => e.type === "job_started")!;
      expect(started).toMatchObject({
        eventId: expect.stringMatching(new RegExp(`^job_started:${jobId}-r0@[\\d.]+$`)),
        engineRef: jobId,
        replicaId: `${jobId}-r0`,
        source: "orca-webhook",
      });
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(["launch_heartbeat", "config_attempted", "launching", "job_started", "job_complete"]),
      );
      const unauthorised = await fetch(`${listener.url}/job/started`, { method: "POST", body: "{}" });
      expect(unauthorised.status).toBe(401);
    } finally {
      await hooked.close();
      await listener.close();
    }
  });

  it("a job whose job_complete webhook arrived is completed, not lost, when a restarted Orca no longer knows it", async () => {
    // The listener's port first: the simulator's KOI_SERVICE_URL points at it.
    const probe = await startOrcaWebhookListener({ host: "127.0.0.1", port: 0, logger: silentLogger }, async () => {});
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const hooked = await startEngineSim(fastSimConfig({ orca: { koiServiceUrl: `http://127.0.0.1:${port}` } }));
    const options = { url: hooked.orcaUrl, apiKey: null, logger: silentLogger, allowSyntheticInput: true };
    const a = createOrcaAdapter({ ...options, webhook: { host: "127.0.0.1", port } });
    const events: TLifecycleEvent[] = [];
    const listener = await a.startWebhookListener!(async (batch) => void events.push(...batch));
    try {
      const cmd = deployCommand({ placement: { replicas: 1 } });
      const result = await a.execute(cmd, undefined);
      const jobId = result.engineRef!;
      await eventually("job_complete", () => events.some((e) => e.type === "job_complete" && e.engineRef === jobId));
      const record: TAssignmentRecord = {
        assignmentId: cmd.assignmentId,
        epoch: 1,
        adapter: "orca",
        engineRef: jobId,
        state: "running",
        adapterState: result.adapterState!,
        nextSeq: 0,
        finalReported: false,
        updatedAt: "",
      };
      hooked.orca.jobs.delete(jobId); // Orca restarted: its jobs lived in memory
      expect((await a.poll(record)).report.state).toBe("completed");
      // An agent that never got the webhook cannot tell: the job is lost.
      expect((await createOrcaAdapter(options).poll(record)).report.state).toBe("lost");
    } finally {
      await hooked.close();
      await listener.close();
    }
  });

  it("takes a webhook whose path has a doubled slash (KOI_SERVICE_URL ending in /)", async () => {
    const events: TLifecycleEvent[] = [];
    const listener = await startOrcaWebhookListener(
      { host: "127.0.0.1", port: 0, pathPrefix: "/orca", logger: silentLogger },
      async (batch) => void events.push(...batch),
    );
    try {
      const body = JSON.stringify({ job_id: "mo-1", event_id: "job_complete:mo-1", emitted_at: 1.5 });
      const answer = await fetch(`${listener.url}//job/complete`, { method: "POST", body });
      expect(answer.status).toBe(200);
      expect(events.map((e) => [e.type, e.engineRef])).toEqual([["job_complete", "mo-1"]]);
    } finally {
      await listener.close();
    }
  });
});
