import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { agentRegistration, createOwner, heartbeatBody, http, keyCall, prisma, signIn } from "./support/http.ts";

// An engine key is all a forged report needs. Before usage-plausibility.ts Koi billed whatever a
// report claimed: the real Tuna router's nanosecond GPU time put $2.9 billion on a tenant's bill.

let owner: Awaited<ReturnType<typeof createOwner>>;
let engineSecret: string;
let assignmentId: string;

beforeAll(async () => {
  owner = await createOwner();
  ({ secret: engineSecret } = await createApiKey({
    orgId: owner.org.id,
    actorUserId: null,
    name: "forger",
    scopes: ["engine"],
    expiresAt: null,
  }));
  const registered = await keyCall(engineSecret, "/api/v1/agents/register", {
    body: agentRegistration(`inst-${randomBytes(6).toString("hex")}`),
  });
  const { agentId } = registered.json as { agentId: string };
  const pool = {
    id: "tuna:us-east-1:spot:L40S",
    gpuType: "L40S",
    market: "spot",
    total: 8,
    available: 8,
    quota: null,
    pricePerGpuHour: 1.86,
  };
  const beat = await keyCall(engineSecret, `/api/v1/agents/${agentId}/heartbeat`, { body: heartbeatBody([pool]) });
  expect(beat.status, JSON.stringify(beat.json)).toBe(200);
  const workload = await prisma.workload.create({
    data: { orgId: owner.org.id, name: "chat", kind: "online", model: "meta-llama/Llama-3.1-8B-Instruct", spec: {} },
  });
  ({ id: assignmentId } = await prisma.assignment.create({
    data: { orgId: owner.org.id, agentId, workloadId: workload.id, state: "running", placement: {} },
  }));
});

const report = (seq: number, usage: unknown[]) =>
  keyCall(engineSecret, `/api/v1/assignments/${assignmentId}/reports`, {
    body: { epoch: 1, seq, state: "running", at: new Date().toISOString(), usage },
  });

async function costsAsOwner() {
  const { cookie } = await signIn(owner.user.email!, owner.password);
  const input = encodeURIComponent(JSON.stringify({ json: { range: "24h" } }));
  const res = await http(`/api/trpc/costs.get?input=${input}`, { headers: { cookie: cookie! } });
  expect(res.status, res.text).toBe(200);
  return (res.json as { result: { data: { json: Record<string, unknown> } } }).result.data.json;
}

describe("usage an agent reports is billed only if it could be true (through the running server)", () => {
  it("a forged report's impossible lines are answered in usageRefused, left off the bill, and named on the Costs API", async () => {
    const forged = await report(0, [
      { component: "spot", gpuType: "L40S", seconds: 120, costUsd: 0.06 },
      { component: "serverless", gpuType: "L40S", seconds: 6.08e12, costUsd: 2.8e9 },
      { component: "on-demand", gpuType: "L40S", seconds: 60, costUsd: 5_000 },
    ]);
    expect(forged.status, forged.text).toBe(200);
    expect(forged.json).toEqual({
      accepted: true,
      duplicate: false,
      usageRefused: [
        {
          component: "serverless",
          gpuType: "L40S",
          reason: expect.stringMatching(
            /^6,080,000,000,000 serverless seconds within .* is more than 64 GPUs could use/,
          ),
        },
        {
          component: "on-demand",
          gpuType: "L40S",
          reason: "$5,000 for 60 on-demand seconds is more than $100 per GPU-hour",
        },
      ],
    });
    const billed = await prisma.usageRecord.aggregate({ where: { assignmentId }, _sum: { costUsd: true } });
    expect(billed._sum.costUsd).toBeCloseTo(0.06);

    const costs = await costsAsOwner();
    expect(costs.totalUsd).toBeCloseTo(0.06);
    expect(costs.usageRefused).toMatchObject({
      reports: 1,
      latest: {
        agent: { label: expect.stringMatching(/agent on http-cluster$/) },
        reason: expect.stringMatching(/^6,080/),
      },
    });
  });

  it("a report whose figures are believable again bills only what is new since the last figure billed", async () => {
    const fixed = await report(1, [{ component: "spot", gpuType: "L40S", seconds: 240, costUsd: 0.12 }]);
    expect(fixed.json).toEqual({ accepted: true, duplicate: false });
    const billed = await prisma.usageRecord.aggregate({
      where: { assignmentId },
      _sum: { costUsd: true, seconds: true },
    });
    expect(billed._sum).toMatchObject({ seconds: 240, costUsd: expect.closeTo(0.12, 6) });
  });
});
