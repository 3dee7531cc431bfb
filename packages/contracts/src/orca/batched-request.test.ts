import { describe, expect, it } from "vitest";
import { ORCA_BATCHED_REQUEST_REQUIRED_KEYS, ZOrcaBatchedRequest } from "../index.ts";

// The recipe body from ENGINE_CONTRACTS E.2 plus the user-specified and Koi fields of C.2/B.3.
const body = {
  user_id: "u",
  input_file: "s3://b/x.jsonl",
  output_file: "o.jsonl",
  num_lines: 10000,
  avg_input_tokens: 2000,
  max_input_tokens: 2000,
  avg_output_tokens: 500,
  max_output_tokens: 500,
  description: "d",
  task_type: "batch",
  task_priority: "normal",
  model_name: "Qwen/Qwen2.5-72B-Instruct",
  engine: "vllm",
  slo_mode: "cost_first",
  slo_deadline_hours: 4,
  placement: "aws",
  placement_solver: "user_specified",
  gpu_type: "A100",
  tp_size: 8,
  pp_size: 1,
  planned_market: "spot",
  replicas: 2,
  chunks: [{ chunk_id: "c0000", s3_input_path: "s3://b/c0000.jsonl", num_lines: 10000 }],
  koi_alternatives: [{ gpu_type: "H100", tp: 4, pp: 1, dp: 1, planned_market: "on_demand", note: "ignored by Orca" }],
  koi_decision_id: "dec-1",
  koi_predicted_tps: 6266.9,
};

describe("Orca BatchedRequest", () => {
  it("accepts the real body", () => {
    expect(ZOrcaBatchedRequest.parse(body)).toEqual(body);
  });

  it.each(ORCA_BATCHED_REQUEST_REQUIRED_KEYS.map((k) => [k]))("requires %s (avg_output_tokens may be null)", (key) => {
    const { [key]: _dropped, ...rest } = body;
    expect(ZOrcaBatchedRequest.safeParse(rest).error?.issues.map((i) => i.path.join("."))).toEqual([key]);
  });

  it("null avg_output_tokens is fine; unknown keys are not (Orca answers 422)", () => {
    expect(ZOrcaBatchedRequest.safeParse({ ...body, avg_output_tokens: null }).success).toBe(true);
    expect(ZOrcaBatchedRequest.safeParse({ ...body, quantization: "fp8" }).error?.issues[0]?.code).toBe(
      "unrecognized_keys",
    );
  });

  it("validates tp/pp only for user-specified placement; a bad alternative market fails the submit", () => {
    expect(ZOrcaBatchedRequest.safeParse({ ...body, tp_size: 3 }).error?.issues.map((i) => i.path.join("."))).toEqual([
      "tp_size",
    ]);
    expect(ZOrcaBatchedRequest.safeParse({ ...body, tp_size: 3, placement_solver: "roofline" }).success).toBe(true);
    const alternatives = [{ gpu_type: "H100", tp: 4, pp: 1, planned_market: "reserved" }];
    expect(
      ZOrcaBatchedRequest.safeParse({ ...body, koi_alternatives: alternatives }).error?.issues.map((i) =>
        i.path.join("."),
      ),
    ).toEqual(["koi_alternatives.0.planned_market"]);
  });
});
