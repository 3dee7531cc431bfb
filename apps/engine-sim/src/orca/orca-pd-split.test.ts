import { describe, expect, it } from "vitest";
import type { TKoiPdGroup } from "@koi/contracts";
import { engine, run } from "../testing/orca-test-engine.ts";
import { batchedRequest } from "../testing/sim-fixtures.ts";
import type { OrcaEngine } from "./orca-engine.ts";
import { chunksProgress, replicasView } from "./orca-views.ts";

const group = (g: Partial<TKoiPdGroup> & Pick<TKoiPdGroup, "role">): TKoiPdGroup => ({
  gpu_type: "H100",
  tp_size: 1,
  pp_size: 1,
  replicas: 1,
  planned_market: "spot",
  ...g,
});

/** Seconds from the first chunk taken to the job's last chunk, read off the emitted webhooks. */
function servingSeconds(emitted: { path: string; at: number }[]): number {
  const started = emitted.find((x) => x.path === "/job/started")!.at;
  const complete = emitted.find((x) => x.path === "/job/complete")!.at;
  return complete - started;
}

function submitted(e: OrcaEngine, groups: TKoiPdGroup[], overrides = {}) {
  const launched = e.submit(batchedRequest({ koi_pd_groups: groups, ...overrides }));
  expect(launched.status).toBe("launched");
  return e.jobs.get(launched.job_id as string)!;
}

describe("Koi's prefill/decode extension in the simulated Orca", () => {
  it("launches each group with its role: decode replicas run every chunk, prefill replicas none", () => {
    const { engine: e } = engine(21);
    const job = submitted(e, [
      group({ role: "prefill", gpu_type: "H100", planned_market: "on_demand" }),
      group({ role: "decode", gpu_type: "L40S", replicas: 2 }),
    ]);
    run(e, 4 * 3600);
    expect(job.status).toBe("succeeded");
    expect(chunksProgress(job)).toMatchObject({ completed: 8, total: 8 });
    const replicas = [...job.replicas.values()];
    expect(replicas.map((r) => r.role)).toEqual(["prefill", "decode", "decode"]);
    expect(replicas.map((r) => r.instanceType)).toEqual(["p5.48xlarge", "g6e.xlarge", "g6e.xlarge"]);
    expect(replicas[0]!.counters.requests).toBe(0);
    expect(replicas[1]!.counters.requests + replicas[2]!.counters.requests).toBe(4000);
    expect(replicasView(job).replicas.map((r) => r.koi_role)).toEqual(["prefill", "decode", "decode"]);
  });

  it("runs at its slower side: with prefill the bottleneck, a second prefill replica nearly halves the job", () => {
    // Long prompts and short answers: four decode replicas outrun one prefill replica. Small
    // chunks, because a chunk keeps the rate it started at while replicas come up.
    const shape = {
      avg_input_tokens: 6000,
      avg_output_tokens: 40,
      chunks: Array.from({ length: 40 }, (_, i) => ({
        chunk_id: `c${i}`,
        s3_input_path: `s3://b/c${i}`,
        num_lines: 100,
      })),
    };
    const durations = [1, 2].map((prefillReplicas) => {
      const { engine: e, emitted } = engine(22);
      const job = submitted(
        e,
        [
          group({ role: "prefill", gpu_type: "L40S", replicas: prefillReplicas }),
          group({ role: "decode", gpu_type: "A100", replicas: 4 }),
        ],
        shape,
      );
      run(e, 12 * 3600);
      expect(job.status).toBe("succeeded");
      const prefillRps = [...job.replicas.values()]
        .filter((r) => r.role === "prefill")
        .reduce((sum, r) => sum + r.perf!.requestsPerSecond, 0);
      const decodeRps = [...job.replicas.values()]
        .filter((r) => r.role === "decode")
        .reduce((sum, r) => sum + r.perf!.requestsPerSecond, 0);
      expect(prefillRps).toBeLessThan(decodeRps / 2);
      // Not faster than the prefill side allows (the launch spread only adds to it).
      expect(servingSeconds(emitted)).toBeGreaterThan((0.95 * 4000) / prefillRps);
      return servingSeconds(emitted);
    });
    expect(durations[0]! / durations[1]!).toBeGreaterThan(1.6);
    expect(durations[0]! / durations[1]!).toBeLessThan(2.2);
  });

  it("decode replicas take no chunk while no prefill replica serves", () => {
    const { engine: e, emitted } = engine(23);
    // A 70B model does not fit one A10G: the prefill side fails at startup.
    const job = submitted(
      e,
      [
        group({ role: "prefill", gpu_type: "A10G" }),
        group({ role: "decode", gpu_type: "H100", tp_size: 4, planned_market: "on_demand" }),
      ],
      { model_name: "meta-llama/Llama-3.1-70B-Instruct" },
    );
    run(e, 2 * 3600);
    expect(emitted.some((x) => x.path === "/job/replica-failed" && x.payload.reason_code === "startup_oom")).toBe(true);
    const decode = [...job.replicas.values()].find((r) => r.role === "decode")!;
    expect(decode.phase).toBe("running");
    expect(decode.current).toBeNull();
    expect(chunksProgress(job)).toMatchObject({ completed: 0, total: 8 });
  });

  it("refuses a group no instance can hold, naming its role", () => {
    const { engine: e } = engine(24);
    const answer = e.submit(
      batchedRequest({ koi_pd_groups: [group({ role: "prefill", gpu_type: "MI300X" }), group({ role: "decode" })] }),
    );
    expect(answer).toMatchObject({ status: "error", error_type: "invalid_placement" });
    expect(answer.message).toMatch(/prefill group's MI300X/);
    expect(e.jobs.size).toBe(0);
  });
});
