import { describe, expect, it } from "vitest";
import { ORCA_BATCHED_REQUEST_REQUIRED_KEYS, ZOrcaBatchedRequest, ZOrcaPdBatchedRequest } from "@koi/contracts";
import { deployCommand } from "../../testing/commands.ts";
import { buildBatchedRequest } from "./build-batched-request.ts";

const opts = { userId: "koi:prod", allowSyntheticInput: false };

describe("deploy → Orca BatchedRequest", () => {
  it("is a valid, strict BatchedRequest with every required key and the Koi fields", () => {
    const command = deployCommand({
      workload: {
        input: {
          uri: "s3://data/in.jsonl",
          chunks: [
            { chunkId: "c0000", uri: "s3://data/c0.jsonl", lines: 2000 },
            { chunkId: "c0001", uri: "s3://data/c1.jsonl", lines: 2000 },
          ],
        },
        deadlineAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
      },
      placement: { gpuType: "H100-SXM", tp: 8, pp: 2, replicas: 2, market: "on-demand" },
      alternatives: [
        { gpuType: "A100-40GB", tp: 8, pp: 1, market: "spot" },
        { gpuType: "MI300X", tp: 8, pp: 1, market: "spot" },
      ],
    });
    const built = buildBatchedRequest(command, opts);
    if (!built.ok) throw new Error(built.reason);
    expect(ZOrcaBatchedRequest.parse(built.body)).toEqual(built.body);
    for (const key of ORCA_BATCHED_REQUEST_REQUIRED_KEYS) expect(built.body).toHaveProperty(key);
    expect(built.body).toMatchObject({
      placement_solver: "user_specified",
      gpu_type: "H100",
      tp_size: 8,
      pp_size: 2,
      replicas: 2,
      planned_market: "on_demand",
      prefer_spot: false,
      force: true,
      koi_decision_id: command.payload.decisionId,
      koi_predicted_tps: 3000,
      koi_alternatives: [{ gpu_type: "A100", tp: 8, pp: 1, dp: 1, planned_market: "spot" }],
      chunks: [
        { chunk_id: "c0000", s3_input_path: "s3://data/c0.jsonl", num_lines: 2000 },
        { chunk_id: "c0001", s3_input_path: "s3://data/c1.jsonl", num_lines: 2000 },
      ],
      num_lines: 4000,
      avg_input_tokens: 1000,
      avg_output_tokens: 200,
      user_id: "koi:prod",
    });
    expect(built.body.slo_deadline_hours).toBeGreaterThan(1.9);
    expect(built.warnings).toEqual(["alternative MI300X tp8 pp1 spot dropped: Orca cannot launch it"]);
  });

  it("asks for no more replicas than there are input chunks to feed, and says so", () => {
    // Orca launches `replicas` against a queue of chunks: one more than the chunks would sit idle.
    const single = buildBatchedRequest(
      deployCommand({ workload: { input: { uri: "s3://data/in.jsonl" } }, placement: { replicas: 3 } }),
      opts,
    );
    if (!single.ok) throw new Error(single.reason);
    expect(single.body).toMatchObject({ replicas: 1, chunks: [{ s3_input_path: "s3://data/in.jsonl" }] });
    expect(single.warnings).toEqual([
      "1 input chunk(s) feed 1 replica(s), not the 3 planned: list the input's chunks (workload.input.chunks) to run more",
    ]);
  });

  it("maps Koi GPU names to Orca's and warns that A100-80GB lands on p4d (40 GB)", () => {
    const names = ["H100-SXM", "A100-80GB", "A100-40GB", "L40S", "L4", "A10G"].map((gpuType) => {
      const built = buildBatchedRequest(
        deployCommand({ workload: { input: { uri: "s3://b/x" } }, placement: { gpuType, replicas: 1 } }),
        opts,
      );
      return built.ok ? [built.body.gpu_type, built.warnings.length] : built.reason;
    });
    expect(names).toEqual([
      ["H100", 0],
      ["A100", 1],
      ["A100", 0],
      ["L40S", 0],
      ["L4", 0],
      ["A10G", 0],
    ]);
  });

  it("refuses what Orca cannot run instead of sending it", () => {
    const reasons = [
      deployCommand({ workload: { kind: "online", input: { uri: "s3://x" } } }),
      deployCommand({ workload: { input: { uri: "s3://x" } }, placement: { market: "on-prem" } }),
      deployCommand({ workload: { input: { uri: "s3://x" } }, placement: { pp: 6 } }),
      deployCommand({}),
    ].map((c) => {
      const built = buildBatchedRequest(c, opts);
      return built.ok ? "ok" : built.reason;
    });
    expect(reasons).toEqual([
      expect.stringMatching(/batch/),
      expect.stringMatching(/on-prem/),
      expect.stringMatching(/pp_size/),
      expect.stringMatching(/input is required/),
    ]);
  });

  it("a prefill/decode split adds its groups in Orca's names, only for an engine that takes them", () => {
    const group = (role: "both" | "prefill" | "decode", over = {}) => ({
      gpuType: "H100-SXM" as const,
      tp: 2 as const,
      pp: 1,
      replicas: 1,
      market: "spot" as const,
      role,
      ...over,
    });
    const split = (groups: ReturnType<typeof group>[]) =>
      deployCommand({ workload: { input: { uri: "s3://b/x" } }, groups });
    const taken = buildBatchedRequest(
      split([group("prefill"), group("decode", { gpuType: "A100-80GB", replicas: 3 })]),
      {
        ...opts,
        splitRoles: true,
      },
    );
    if (!taken.ok) throw new Error(taken.reason);
    expect(ZOrcaPdBatchedRequest.parse(taken.body)).toEqual(taken.body);
    expect(taken.body).toMatchObject({
      is_PD_disaggregation: true,
      koi_pd_groups: [
        { role: "prefill", gpu_type: "H100", tp_size: 2, pp_size: 1, replicas: 1, planned_market: "spot" },
        { role: "decode", gpu_type: "A100", tp_size: 2, pp_size: 1, replicas: 3, planned_market: "spot" },
      ],
    });
    const reasons = [
      buildBatchedRequest(split([group("prefill"), group("decode")]), opts),
      buildBatchedRequest(split([group("both"), group("prefill"), group("decode")]), { ...opts, splitRoles: true }),
      buildBatchedRequest(split([group("prefill", { pp: 6 }), group("decode")]), { ...opts, splitRoles: true }),
      buildBatchedRequest(split([group("prefill"), group("decode", { market: "serverless" })]), {
        ...opts,
        splitRoles: true,
      }),
    ].map((built) => (built.ok ? "ok" : built.reason));
    expect(reasons).toEqual([
      expect.stringMatching(/colocated replicas only/),
      expect.stringMatching(/mixing colocated and prefill\/decode/),
      expect.stringMatching(/prefill group \(H100-SXM TP2 PP6, spot\)/),
      expect.stringMatching(/decode group \(H100-SXM TP2 PP1, serverless\)/),
    ]);
    // A colocated plan's groups change nothing: Orca as published gets its strict request.
    const colocated = buildBatchedRequest(split([group("both")]), opts);
    if (!colocated.ok) throw new Error(colocated.reason);
    expect(ZOrcaBatchedRequest.parse(colocated.body)).toEqual(colocated.body);
  });
});
