import { afterAll, describe, expect, it } from "vitest";
import { ZDeployCommand } from "@koi/contracts/agent/commands";
import { prisma } from "@koi/db";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { planWorkload } from "./plan-workload.ts";
import { submitWorkload } from "./submit-workload.ts";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import type { TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { previewPlan } from "./preview-plan.ts";
import { dropOutboxRows, orgWithAgent } from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
  await commandWakeups().stop();
});

// Long prompts, a tight TPOT: on L40S machines prefill wants TP1 and decode TP2, and the
// g6e.48xlarge network ships each prompt's KV cache well inside the TTFT target.
const submission: TWorkloadSubmission = {
  kind: "online",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  requestsPerSecond: 2,
  avgInputTokens: 8000,
  avgOutputTokens: 200,
  ttftP95Ms: 3000,
  tpotP95Ms: 20,
};

const g6e: TGpuPool = {
  id: "l40s-g6e",
  gpuType: "L40S",
  market: "on-demand",
  total: 32,
  available: 32,
  quota: null,
  pricePerGpuHour: 3.766,
  shape: { instanceType: "g6e.48xlarge" },
};

const roles = (plan: { replicas: { role: string }[] }) => new Set(plan.replicas.map((r) => r.role));

describe("prefill/decode plans from a submission", () => {
  it("splits roles when the workload allows it and the agent declares pd_disaggregation, and says why", async () => {
    const { org } = await orgWithAgent([g6e], ["spot", "pd_disaggregation"]);
    const split = await previewPlan(org.id, { ...submission, allowDisaggregation: true });
    expect(split.plan.feasible).toBe(true);
    expect(roles(split.plan)).toEqual(new Set(["prefill", "decode"]));
    expect(split.plan.reason).toMatch(/Prefill: \d+ × L40S .*; Decode: \d+ × L40S/);
    expect(split.plan.reason).toMatch(/moves from prefill to decode in [\d.]+ ms/);

    const colocated = await previewPlan(org.id, submission);
    expect(roles(colocated.plan)).toEqual(new Set(["both"]));
    expect(split.plan.costPerHour).toBeLessThan(colocated.plan.costPerHour);
  });

  it("keeps every replica doing both on an engine that cannot split roles, even when allowed", async () => {
    const { org } = await orgWithAgent([g6e], ["spot"]);
    const plan = (await previewPlan(org.id, { ...submission, allowDisaggregation: true })).plan;
    expect(plan.feasible).toBe(true);
    expect(roles(plan)).toEqual(new Set(["both"]));
  });

  it("sends the engine each replica group with its role, pipeline stages and machines", async () => {
    const { org } = await orgWithAgent([g6e], ["spot", "pd_disaggregation"]);
    const w = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: { ...submission, allowDisaggregation: true },
    });
    expect((await planWorkload(w.id)).outcome).toBe("dispatched");
    const row = await prisma.command.findFirstOrThrow({ where: { orgId: org.id, type: "deploy" } });
    const groups = ZDeployCommand.shape.payload.parse(row.payload).groups ?? [];
    expect(groups.map((g) => g.role).sort()).toEqual(["decode", "prefill"]);
    for (const g of groups) expect(g).toMatchObject({ gpuType: "L40S", instanceType: "g6e.48xlarge", pp: 1 });
    expect(groups.every((g) => (g.machines ?? 0) >= 1)).toBe(true);
  });
});
