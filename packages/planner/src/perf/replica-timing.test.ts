import { describe, expect, it } from "vitest";
import { DEFAULT_COEFFICIENTS } from "./perf-coefficients.ts";
import { fullBatch, kvConcurrency, type TTimingContext } from "./replica-timing.ts";
import { resolveDeployment } from "./resolve-deployment.ts";

// Orca's perf-DB setting that a whole-number batch got wrong by 2.3× when left out of the fit (data
// line 175: 135 tok/s measured, 58 predicted): 70B on 4 × L40S has room for about three 18k-token
// sequences. The fit without Orca's rows leaves room for 2.83, which rounding down made 2.
function context(inputTokens: number, outputTokens: number): TTimingContext {
  const resolved = resolveDeployment(
    {
      model: "deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
      gpu: "L40S",
      tp: 4,
      engine: "vllm 0.10.0",
      cudaGraphs: false,
      memoryUtilization: 0.85,
    },
    DEFAULT_COEFFICIENTS,
  );
  if (!resolved.ok) throw new Error(resolved.reason);
  return { d: resolved.deployment, c: DEFAULT_COEFFICIENTS, inputTokens, outputTokens };
}

describe("KV-bound batches", () => {
  it("run the fractional number of sequences the cache has room for, not the whole number below it", () => {
    const t = context(10_000, 8192);
    const room = t.d.kvTokens / (10_000 + DEFAULT_COEFFICIENTS.liveOutputShare * 8192);
    expect(room % 1).not.toBe(0);
    expect(kvConcurrency(t)).toBeCloseTo(room, 9);
    expect(fullBatch(t, 50)).toBeCloseTo(room, 9);
  });
});
