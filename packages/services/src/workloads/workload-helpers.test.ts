import { describe, expect, it } from "vitest";
import { findModel, lookupPrice, UnknownNameError, type TModelArchitecture, type TPriceMarket } from "@koi/catalog";
import type { TProgress } from "@koi/contracts/agent/reports";
import { AppError } from "@koi/core/app-error";
import type { TCapacityPool } from "@koi/planner";
import { checkSubmissionModel } from "./check-submission-model.ts";
import { poolShapeProblem } from "./pool-shape-problem.ts";
import { progressInRequests } from "./progress-in-requests.ts";
import { canonicalGpu, overridePriceMap, resolvePoolPrice } from "./resolve-pool-price.ts";

// The small pure helpers the workload services lean on, called directly with exact inputs: how a
// report's progress turns into requests, where a pool's price comes from, why a pool's machines
// cannot be planned, and how an unknown model is refused at submission.

describe("progressInRequests", () => {
  const chunks = (completed: number, total: number | null): TProgress => ({ completed, total, unit: "chunks" });

  it("scales finished chunks to the assignment's request total", () => {
    // 3 of 8 chunks of a 20,000-request assignment: 7,500 requests.
    expect(progressInRequests(chunks(3, 8), 20_000)).toBe(7_500);
    expect(progressInRequests(chunks(8, 8), 20_000)).toBe(20_000);
    expect(progressInRequests(chunks(0, 8), 20_000)).toBe(0);
  });

  it("takes requests and tokens as they are: only chunks are scaled", () => {
    expect(progressInRequests({ completed: 3, total: 8, unit: "requests" }, 20_000)).toBe(3);
    expect(progressInRequests({ completed: 3, total: 8, unit: "tokens" }, 20_000)).toBe(3);
  });

  it("takes the chunk count as it is when the report has no chunk total (no division by zero)", () => {
    expect(progressInRequests(chunks(3, null), 20_000)).toBe(3);
    expect(progressInRequests(chunks(3, 0), 20_000)).toBe(3);
  });

  it("takes the chunk count as it is when the assignment has no request total", () => {
    // Scaling to 0 would wipe out the progress the engine did report.
    expect(progressInRequests(chunks(3, 8), 0)).toBe(3);
  });
});

describe("canonicalGpu and overridePriceMap", () => {
  it("names a GPU by the catalog's id, whatever alias it was given, and leaves unknown names alone", () => {
    expect(canonicalGpu("h100")).toBe("H100-SXM");
    expect(canonicalGpu("NVIDIA A10G")).toBe("A10G");
    expect(canonicalGpu("H100-SXM")).toBe("H100-SXM");
    expect(canonicalGpu("TPU-v5e")).toBe("TPU-v5e");
  });

  it("keys each override by canonical GPU id and market", () => {
    const map = overridePriceMap([
      { gpuType: "p5", market: "spot", pricePerGpuHour: 1.75 },
      { gpuType: "nvidia l4", market: "on-demand", pricePerGpuHour: 0.5 },
      { gpuType: "TPU-v5e", market: "on-prem", pricePerGpuHour: 2 },
    ]);
    expect([...map.entries()]).toEqual([
      ["H100-SXM|spot", 1.75],
      ["L4|on-demand", 0.5],
      ["TPU-v5e|on-prem", 2],
    ]);
  });
});

describe("resolvePoolPrice", () => {
  const none = new Map<string, number>();

  it("is null for a GPU the catalog does not know, even with a pool price and an override", () => {
    const overrides = overridePriceMap([{ gpuType: "TPU-v5e", market: "on-demand", pricePerGpuHour: 1 }]);
    expect(resolvePoolPrice("TPU-v5e", "on-demand", 3.2, overrides)).toBeNull();
    expect(resolvePoolPrice("TPU-v5e", "on-prem", null, none)).toBeNull();
  });

  it("takes the pool's own rate over the org's override and the catalog, a rate of 0 included", () => {
    const overrides = overridePriceMap([{ gpuType: "H100-SXM", market: "on-demand", pricePerGpuHour: 5 }]);
    expect(resolvePoolPrice("H100-SXM", "on-demand", 6.88, overrides)).toEqual({ value: 6.88, source: "pool" });
    // A free pool (credits, a reservation already paid) is still the pool's word, not a missing rate.
    expect(resolvePoolPrice("H100-SXM", "on-demand", 0, overrides)).toEqual({ value: 0, source: "pool" });
  });

  it("finds the org's override whichever alias names the GPU on either side, in that market only", () => {
    // Saved as "p5", reported as "h100": both are the catalog's H100-SXM.
    const overrides = overridePriceMap([{ gpuType: "p5", market: "spot", pricePerGpuHour: 1.75 }]);
    expect(resolvePoolPrice("h100", "spot", null, overrides)).toEqual({ value: 1.75, source: "override" });
    expect(resolvePoolPrice("h100", "on-demand", null, overrides)).toEqual({ value: 12.29, source: "catalog" });
  });

  it("takes an override of 0 as the org's rate, not as a missing one", () => {
    const overrides = overridePriceMap([{ gpuType: "H100-SXM", market: "on-demand", pricePerGpuHour: 0 }]);
    expect(resolvePoolPrice("H100-SXM", "on-demand", null, overrides)).toEqual({ value: 0, source: "override" });
  });

  it("falls back to the catalog's cheapest list price in each priced market", () => {
    // p5.48xlarge on demand: $98.32 an hour for 8 GPUs.
    expect(resolvePoolPrice("H100-SXM", "on-demand", null, none)).toEqual({ value: 12.29, source: "catalog" });
    for (const market of ["on-demand", "spot", "serverless", "reserved"] as const satisfies TPriceMarket[]) {
      const listed = lookupPrice({ gpuType: "H100-SXM", market })!.pricePerGpuHour;
      expect(resolvePoolPrice("NVIDIA H100 80GB HBM3", market, null, none)).toEqual({
        value: listed,
        source: "catalog",
      });
    }
  });

  it("is free with no source in a market the catalog does not price, or where it lists no price", () => {
    expect(resolvePoolPrice("H100-SXM", "on-prem", null, none)).toEqual({ value: 0, source: "none" });
    // The catalog knows these GPUs but lists no price for them in these markets.
    expect(lookupPrice({ gpuType: "MI300X", market: "on-demand" })).toBeUndefined();
    expect(resolvePoolPrice("MI300X", "on-demand", null, none)).toEqual({ value: 0, source: "none" });
    expect(lookupPrice({ gpuType: "L4", market: "reserved" })).toBeUndefined();
    expect(resolvePoolPrice("L4", "reserved", null, none)).toEqual({ value: 0, source: "none" });
  });
});

describe("poolShapeProblem", () => {
  const pool = (over: Partial<TCapacityPool> = {}): TCapacityPool => ({
    id: "h100-od",
    gpuType: "H100-SXM",
    market: "on-demand",
    available: 16,
    pricePerGpuHour: 6.88,
    ...over,
  });

  it("is null for a pool the planner can use", () => {
    expect(poolShapeProblem(pool())).toBeNull();
    expect(poolShapeProblem(pool({ shape: { instanceType: "p5.48xlarge" } }))).toBeNull();
    // An instance type the catalog lacks is fine once the pool says how many GPUs a machine has.
    expect(poolShapeProblem(pool({ shape: { instanceType: "x9.huge", gpusPerMachine: 8 } }))).toBeNull();
  });

  it("says which pool reports an unknown instance type without its GPU count", () => {
    expect(poolShapeProblem(pool({ shape: { instanceType: "x9.huge" } }))).toBe(
      'pool h100-od: unknown instance type "x9.huge" (give gpusPerMachine, interconnect and networkGbps)',
    );
  });

  it("says which pool reports an instance type of another GPU, by the pool's name when it has one", () => {
    expect(poolShapeProblem(pool({ name: "east H100", shape: { instanceType: "g6e.12xlarge" } }))).toBe(
      "east H100: instance type g6e.12xlarge carries L40S, not H100-SXM",
    );
  });

  it("lets any other error through rather than calling it a shape problem", () => {
    // A machine pool of a GPU the catalog does not know fails in findGpu, not as a PlannerInputError.
    const unknownGpu = pool({ gpuType: "TPU-v5e", shape: { gpusPerMachine: 4 } });
    expect(() => poolShapeProblem(unknownGpu)).toThrow(UnknownNameError);
    expect(() => poolShapeProblem(unknownGpu)).toThrow(/^unknown GPU "TPU-v5e"/);
  });
});

describe("checkSubmissionModel", () => {
  /** What the catalog says about `name`: the text the 400 must carry on unchanged. */
  function catalogMessage(name: string): string {
    try {
      findModel(name);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`${name} is in the catalog`);
  }

  function thrownBy(fn: () => void): unknown {
    try {
      fn();
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it("accepts a model the catalog knows", () => {
    expect(() => checkSubmissionModel({ model: "meta-llama/Llama-3.1-8B-Instruct" })).not.toThrow();
  });

  it("refuses an unknown model as a BAD_REQUEST on the model field, with the catalog's closest names", () => {
    const name = "meta-llama/Llama-3.1-9B-Instruct";
    const said = catalogMessage(name);
    expect(said).toMatch(/^unknown model "meta-llama\/Llama-3\.1-9B-Instruct"; did you mean .*"llama-3\.1-8b"/);
    const error = thrownBy(() => checkSubmissionModel({ model: name }));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      message: `Invalid request body: model: ${said}`,
      fields: { model: said },
    });
  });

  it("accepts a model the catalog does not know when the submission gives its architecture", () => {
    const architecture: TModelArchitecture = {
      ...{ layers: 40, hiddenSize: 5120, heads: 40, kvHeads: 8 },
      ...{ ffnSize: 13824, vocabSize: 32000 },
    };
    expect(() => checkSubmissionModel({ model: "acme/house-model-13b" })).toThrow(AppError);
    expect(() => checkSubmissionModel({ model: "acme/house-model-13b", architecture })).not.toThrow();
  });

  it("lets an error that is not about an unknown name through as it is", () => {
    // Validated submissions always carry a string; a caller's bug must not be dressed up as a 400.
    const error = thrownBy(() => checkSubmissionModel({ model: undefined as unknown as string }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(AppError);
  });
});
