import type { TOrcaPdBatchedRequest } from "@koi/contracts";
import type { TSimConfigInput } from "../config.ts";

/** A fast, failure-free simulator for tests: minutes of launch become milliseconds. */
export function fastSimConfig(overrides: TSimConfigInput = {}): TSimConfigInput {
  return {
    orcaPort: 0,
    tunaPort: 0,
    speed: 600,
    tickMs: 10,
    seed: 7,
    ...overrides,
    orca: {
      searchSeconds: [1, 3],
      provisionSeconds: [20, 40],
      modelLoadSeconds: [10, 20],
      launchFailureRate: 0,
      spotPreemptionPerHour: 0,
      replicaCrashPerHour: 0,
      outboxTimeScale: 0.02,
      ...overrides.orca,
    },
    tuna: { spotProvisionSeconds: 30, serverlessColdStartSeconds: 2, upscaleDelaySeconds: 2, ...overrides.tuna },
  };
}

/** A real BatchedRequest (C.2) with every required key; overrides may add Koi's prefill/decode groups. */
export function batchedRequest(overrides: Partial<TOrcaPdBatchedRequest> = {}): TOrcaPdBatchedRequest {
  return {
    user_id: "u",
    input_file: "s3://bucket/in.jsonl",
    output_file: "output.jsonl",
    avg_output_tokens: 200,
    description: "test job",
    task_type: "batch",
    task_priority: "normal",
    engine: "vllm",
    slo_mode: "batch",
    placement: "user_specified",
    model_name: "meta-llama/Llama-3.1-8B-Instruct",
    num_lines: 4000,
    avg_input_tokens: 1000,
    placement_solver: "user_specified",
    gpu_type: "L40S",
    tp_size: 1,
    pp_size: 1,
    planned_market: "spot",
    replicas: 2,
    force: true,
    chunks: Array.from({ length: 8 }, (_, i) => ({
      chunk_id: `c${String(i).padStart(4, "0")}`,
      s3_input_path: `s3://bucket/c${i}.jsonl`,
      num_lines: 500,
    })),
    koi_decision_id: "dec-test",
    koi_predicted_tps: 3000,
    ...overrides,
  };
}
