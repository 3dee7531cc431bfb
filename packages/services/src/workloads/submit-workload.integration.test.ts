import { afterAll, describe, expect, it } from "vitest";
import type { TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { defaultWorkloadName, submitWorkload } from "./submit-workload.ts";
import { batchSubmission } from "./test-fixtures.ts";

const orgIds: string[] = [];

afterAll(async () => {
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
});

async function testOrg() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  return org;
}

function onlineSubmission(over: Partial<Extract<TWorkloadSubmission, { kind: "online" }>> = {}): TWorkloadSubmission {
  return {
    kind: "online",
    model: "meta-llama/Llama-3.1-8B-Instruct",
    requestsPerSecond: 3,
    avgInputTokens: 800,
    avgOutputTokens: 200,
    ttftP95Ms: 2000,
    tpotP95Ms: 100,
    ...over,
  };
}

describe("defaultWorkloadName", () => {
  it("names a batch job after its model's last path segment and its request count", () => {
    expect(defaultWorkloadName(batchSubmission())).toBe("Llama-3.1-8B-Instruct batch · 20,000 requests");
    expect(defaultWorkloadName(batchSubmission({ model: "gpt2", requests: 1_234_567 }))).toBe(
      "gpt2 batch · 1,234,567 requests",
    );
    expect(defaultWorkloadName(batchSubmission({ model: "hub/org/name" }))).toBe("name batch · 20,000 requests");
  });

  it("names an online service after its model's last path segment and its request rate", () => {
    expect(defaultWorkloadName(onlineSubmission())).toBe("Llama-3.1-8B-Instruct online · 3 req/s");
    expect(defaultWorkloadName(onlineSubmission({ model: "gpt2", requestsPerSecond: 2.5 }))).toBe(
      "gpt2 online · 2.5 req/s",
    );
    expect(defaultWorkloadName(onlineSubmission({ model: "hub/org/name" }))).toBe("name online · 3 req/s");
  });
});

describe("submitWorkload", () => {
  it("records a batch job with the default name, normal priority, its requests as the total, and an audit event", async () => {
    const org = await testOrg();
    const now = new Date("2030-01-01T00:00:00.000Z");
    const w = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "cli",
      submission: batchSubmission({ requests: 12_345 }),
      now,
    });

    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({
      orgId: org.id,
      name: "Llama-3.1-8B-Instruct batch · 12,345 requests",
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      priority: "normal",
      budgetUsd: null,
      deadlineAt: new Date("2030-01-01T02:00:00.000Z"),
      progressTotal: 12_345,
      submittedVia: "cli",
      createdAt: now,
    });
    const audits = await prisma.auditEvent.findMany({ where: { orgId: org.id } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorUserId: null,
      action: "workload.submitted",
      targetType: "workload",
      targetId: w.id,
    });
    expect(audits[0]!.data).toEqual({ via: "cli", kind: "batch", model: "meta-llama/Llama-3.1-8B-Instruct" });
  });

  it("keeps a given name, priority and budget", async () => {
    const org = await testOrg();
    const w = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: batchSubmission({ name: "nightly", priority: "high", budgetUsd: 120 }),
    });
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({
      name: "nightly",
      priority: "high",
      budgetUsd: 120,
      progressTotal: 20_000,
    });
  });

  it("records an online service with no deadline, a total of 0, and an audit event", async () => {
    const org = await testOrg();
    const w = await submitWorkload({ orgId: org.id, actorUserId: null, via: "ui", submission: onlineSubmission() });

    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({
      name: "Llama-3.1-8B-Instruct online · 3 req/s",
      kind: "online",
      priority: "normal",
      deadlineAt: null,
      progressTotal: 0,
      submittedVia: "ui",
    });
    const audits = await prisma.auditEvent.findMany({ where: { orgId: org.id } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: "workload.submitted", targetType: "workload", targetId: w.id });
    expect(audits[0]!.data).toEqual({ via: "ui", kind: "online", model: "meta-llama/Llama-3.1-8B-Instruct" });
  });
});
