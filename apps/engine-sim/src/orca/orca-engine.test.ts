import { describe, expect, it } from "vitest";
import { ORCA_WEBHOOKS, type TOrcaWebhookPath } from "@koi/contracts";
import { engine, run, type TEmitted } from "../testing/orca-test-engine.ts";
import { batchedRequest } from "../testing/sim-fixtures.ts";
import { scaleJob, swapJob } from "./orca-control.ts";
import { orcaJobIdPrefix } from "./orca-engine.ts";

describe("simulated Orca lifecycle", () => {
  it("names jobs like Orca", () => {
    expect(orcaJobIdPrefix("Qwen/Qwen2.5-72B-Instruct")).toBe("mo-qwen72b");
    expect(orcaJobIdPrefix("meta-llama/Llama-3.1-70B-Instruct")).toBe("mo-llama70b");
    expect(orcaJobIdPrefix("mistralai/Mistral-7B-Instruct-v0.3")).toBe("mo-mistral7b");
  });

  it("emits every webhook of a clean run in A.4 order, each matching the contract", () => {
    const { engine: e, emitted } = engine(11);
    const launched = e.submit(batchedRequest({ replicas: 1 }));
    run(e, 3 * 3600);
    const job = e.jobs.get(launched.job_id as string)!;
    expect(job.status).toBe("succeeded");
    const types = emitted.map((x) => x.path);
    expect(types[0]).toBe("/job/launch-heartbeat");
    expect(types.filter((t) => t !== "/job/launch-heartbeat")).toEqual([
      "/job/config-attempted",
      "/job/launching",
      "/job/started",
      "/job/complete",
    ]);
    for (const x of emitted)
      expect(ORCA_WEBHOOKS[x.path as TOrcaWebhookPath].schema.safeParse(x.payload).error).toBeUndefined();
    const started = emitted.find((x) => x.path === "/job/started")!;
    expect(started.id).toBe(`job_started:${job.id}-r0`);
    expect(started.payload).toMatchObject({
      group_id: job.id,
      decision_id: "dec-test",
      predicted_tps: 3000,
      is_fallback: false,
      dp: 1,
      total_tokens: 4000 * 1200,
    });
    const complete = emitted.find((x) => x.path === "/job/complete")!;
    expect(complete.payload).toMatchObject({
      status: "succeeded",
      metrics: { num_requests_completed: 4000, num_replicas: 1 },
    });
  });

  it("is deterministic for a seed, whatever the tick size", () => {
    const a = engine(5, { launchFailureRate: 0.3, spotPreemptionPerHour: 2 });
    const b = engine(5, { launchFailureRate: 0.3, spotPreemptionPerHour: 2 });
    a.engine.submit(batchedRequest());
    b.engine.submit(batchedRequest());
    run(a.engine, 4 * 3600, 1);
    run(b.engine, 4 * 3600, 333);
    const strip = (xs: TEmitted[]) =>
      xs.filter((x) => x.path !== "/job/launch-heartbeat").map((x) => [x.path, x.id, x.at, x.payload.job_id]);
    expect(strip(a.emitted)).toEqual(strip(b.emitted));
    const c = engine(6, { launchFailureRate: 0.3, spotPreemptionPerHour: 2 });
    c.engine.submit(batchedRequest());
    run(c.engine, 4 * 3600, 10);
    expect(strip(c.emitted)).not.toEqual(strip(a.emitted));
  });

  it("walks Koi's alternatives on launch failure, then reports launch-failed with categories", () => {
    const { engine: e, emitted } = engine(2, {
      clusters: [{ name: "c", region: "us-east-2", pools: [{ gpuType: "L4", market: "spot", gpus: 8 }] }],
    });
    const launched = e.submit(
      batchedRequest({
        replicas: 1,
        gpu_type: "H100",
        koi_alternatives: [
          { gpu_type: "A100", tp: 1, pp: 1 },
          { gpu_type: "L4", tp: 1, pp: 1, planned_market: "spot" },
        ],
      }),
    );
    run(e, 2 * 3600);
    const attempts = emitted
      .filter((x) => x.path === "/job/config-attempted")
      .map((x) => [x.payload.gpu_type, x.payload.launched, x.payload.attempt_index]);
    expect(attempts).toEqual([
      ["H100", false, 0],
      ["A100", false, 1],
      ["L4", true, 2],
    ]);
    expect(emitted.find((x) => x.path === "/job/started")!.payload).toMatchObject({
      is_fallback: true,
      region: "us-east-2",
    });
    expect(e.jobs.get(launched.job_id as string)!.status).toBe("succeeded");

    const failing = engine(2, {
      clusters: [{ name: "c", region: "us-east-1", pools: [{ gpuType: "L4", market: "spot", gpus: 8 }] }],
    });
    const job = failing.engine.submit(batchedRequest({ replicas: 2, gpu_type: "H100" }));
    run(failing.engine, 3600);
    const failed = failing.emitted.filter((x) => x.path === "/job/launch-failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.id).toBe(`launch_failed:${job.job_id}`);
    expect(failed[0]!.payload).toMatchObject({
      configs_tried: [{ failure_category: "quota", region: "unknown" }, { failure_category: "quota" }],
    });
  });

  it("a spot preemption surfaces as the watchdog's replica-failed (no reason_code) and the chunk is reclaimed", () => {
    const { engine: e, emitted } = engine(3, { spotPreemptionPerHour: 60 });
    const launched = e.submit(batchedRequest({ replicas: 1 }));
    run(e, 2 * 3600);
    const failed = emitted.find((x) => x.path === "/job/replica-failed")!;
    expect(failed.payload).toMatchObject({ reason: "Heartbeat timeout (45s)", status: "failed" });
    expect(failed.payload).not.toHaveProperty("reason_code");
    const job = e.jobs.get(launched.job_id as string)!;
    expect(job.chunks.some((c) => c.state === "pending" && c.retries === 1)).toBe(true);
    scaleJob(e, job.id, { count: 1, gpu_type: "A100", tp_size: 1, planned_market: "on_demand" });
    run(e, 3 * 3600);
    expect(job.status).toBe("succeeded");
  });

  it("one swap at a time: 409 while new replicas load, old ones swapped_out once one is ready", () => {
    const { engine: e } = engine(8);
    const job = e.jobs.get(
      e.submit(
        batchedRequest({
          num_lines: 40_000,
          chunks: Array.from({ length: 40 }, (_, i) => ({
            chunk_id: `c${i}`,
            s3_input_path: "s3://b/c",
            num_lines: 1000,
          })),
        }),
      ).job_id as string,
    )!;
    run(e, 600);
    const swap = swapJob(e, job.id, { gpu_type: "A100", tp_size: 1, planned_market: "on_demand" });
    expect(swap).toMatchObject({ old_replicas: [`${job.id}-r0`, `${job.id}-r1`], ready_threshold: 1 });
    expect(() => swapJob(e, job.id, { gpu_type: "A100" })).toThrow(/already in progress/);
    run(e, 600);
    expect([...job.replicas.values()].map((r) => `${r.id.slice(job.id.length)}:${r.phase}`)).toEqual([
      "-r0:swapped_out",
      "-r1:swapped_out",
      "-v2-r0:running",
      "-v2-r1:running",
    ]);
  });

  it("launches the machines Orca does: pipeline stages packed at submit, one machine per stage after a scale", () => {
    const { engine: e } = engine(9, {
      clusters: [{ name: "c", region: "us-east-1", pools: [{ gpuType: "H100", market: "on_demand", gpus: 64 }] }],
    });
    const job = e.jobs.get(
      e.submit(batchedRequest({ replicas: 1, gpu_type: "H100", tp_size: 4, pp_size: 3, planned_market: "on_demand" }))
        .job_id as string,
    )!;
    // server.py submit_batch: 8-GPU p5.48xlarge holds two TP 4 stages, so three stages take two machines.
    expect(job.replicas.get(`${job.id}-r0`)!.nodes).toBe(2);
    // _do_scale: num_instances = pp_size, each the instance resolved for TP 4 (a whole p5.48xlarge).
    const scaled = scaleJob(e, job.id, {
      count: 1,
      gpu_type: "H100",
      tp_size: 4,
      pp_size: 2,
      planned_market: "on_demand",
    });
    const [added] = scaled.new_replicas as string[];
    expect(job.replicas.get(added!)).toMatchObject({ nodes: 2, gpusPerInstance: 8 });
  });

  it("a model that does not fit fails at startup with startup_oom", () => {
    const { engine: e, emitted } = engine(4);
    e.submit(
      batchedRequest({
        replicas: 1,
        model_name: "meta-llama/Llama-3.1-70B-Instruct",
        gpu_type: "L4",
        tp_size: 1,
        planned_market: "on_demand",
      }),
    );
    run(e, 3600);
    expect(emitted.find((x) => x.path === "/job/replica-failed")!.payload).toMatchObject({
      reason_code: "startup_oom",
    });
  });
});
