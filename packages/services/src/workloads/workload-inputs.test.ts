import { describe, expect, it } from "vitest";
import { workloadOf, type TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { selectOptionsFor } from "./workload-inputs.ts";

const online: TWorkloadSubmission = {
  kind: "online",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  requestsPerSecond: 2,
  avgInputTokens: 8000,
  avgOutputTokens: 200,
  ttftP95Ms: 3000,
  tpotP95Ms: 20,
  allowedMarkets: ["on-demand"],
};

describe("submission → planner", () => {
  it("keeps allowDisaggregation out of the planner's workload (it is an option)", () => {
    expect(workloadOf({ ...online, allowDisaggregation: true })).not.toHaveProperty("allowDisaggregation");
  });

  it("offers prefill/decode splits only when the submission allows them and some pool's engine can run them", () => {
    expect(selectOptionsFor(online, ["pool-a"])).toEqual({ allowedMarkets: ["on-demand"] });
    expect(selectOptionsFor({ ...online, allowDisaggregation: false }, ["pool-a"])).not.toHaveProperty(
      "allowDisaggregation",
    );
    expect(selectOptionsFor({ ...online, allowDisaggregation: true }, [])).not.toHaveProperty("allowDisaggregation");
    expect(selectOptionsFor({ ...online, allowDisaggregation: true }, ["pool-a"])).toEqual({
      allowedMarkets: ["on-demand"],
      allowDisaggregation: true,
      disaggregationPoolIds: ["pool-a"],
    });
  });
});
