import { describe, expect, it } from "vitest";
import { createTestOrg } from "@koi/db/factories";
import { prisma } from "@koi/db";
import { assertKeyActsForAgent, assertKeyActsForAssignment, forgetAgentOwner } from "./key-acts-for.ts";
import { registerAgent } from "./register-agent.ts";
import { registration } from "./test-fixtures.ts";

/** Two running assignments of one agent, and the key that agent registered with. */
async function twoAssignments() {
  const org = await createTestOrg();
  const { agentId } = await registerAgent(org.id, "key_a", registration());
  const [first, second] = await prisma.assignment.createManyAndReturn({
    data: [0, 1].map(() => ({ orgId: org.id, agentId, state: "running" })),
  });
  return { org, agentId, first: first!, second: second!, key: { id: "key_a", orgId: org.id } };
}

describe("assertKeyActsForAgent", () => {
  it("lets the agent's own key through and answers NOT_FOUND to another key or another org", async () => {
    const org = await createTestOrg();
    const other = await createTestOrg();
    const { agentId } = await registerAgent(org.id, "key_a", registration());
    const assignment = await prisma.assignment.create({ data: { orgId: org.id, agentId, state: "running" } });

    await expect(assertKeyActsForAgent({ id: "key_a", orgId: org.id }, agentId)).resolves.toBeUndefined();
    await expect(assertKeyActsForAgent({ id: "key_b", orgId: org.id }, agentId)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(assertKeyActsForAgent({ id: "key_a", orgId: other.id }, agentId)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(assertKeyActsForAgent({ id: "key_a", orgId: org.id }, "no-such-agent")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(assertKeyActsForAssignment({ id: "key_a", orgId: org.id }, assignment.id)).resolves.toBeUndefined();
    await expect(assertKeyActsForAssignment({ id: "key_b", orgId: org.id }, assignment.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No such assignment.",
    });
  });

  it("an agent written before keys were recorded answers to any key of its org, and only its org", async () => {
    const org = await createTestOrg();
    const cluster = await prisma.cluster.create({
      data: { orgId: org.id, name: "legacy", kind: "cloud", provider: "aws" },
    });
    const agent = await prisma.agent.create({
      data: { orgId: org.id, clusterId: cluster.id, instanceId: "legacy-1", engine: "sim", version: "0.1.0" },
    });
    await expect(assertKeyActsForAgent({ id: "any", orgId: org.id }, agent.id)).resolves.toBeUndefined();
    await expect(assertKeyActsForAgent({ id: "any", orgId: "another-org" }, agent.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("trusts what it read for 5 s, then reads again (another process may have moved the agent to a newer key)", async () => {
    const org = await createTestOrg();
    const { agentId } = await registerAgent(org.id, "key_a", registration());
    const t0 = Date.now();
    await assertKeyActsForAgent({ id: "key_a", orgId: org.id }, agentId, t0);
    await prisma.agent.update({ where: { id: agentId }, data: { apiKeyId: "key_b" } });
    await expect(assertKeyActsForAgent({ id: "key_a", orgId: org.id }, agentId, t0 + 4_000)).resolves.toBeUndefined();
    await expect(assertKeyActsForAgent({ id: "key_a", orgId: org.id }, agentId, t0 + 5_000)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("what this process remembers", () => {
  it("forgets an agent's owner when told, so a newer key is seen at once", async () => {
    const org = await createTestOrg();
    const { agentId } = await registerAgent(org.id, "key_a", registration());
    const t0 = Date.now();
    await assertKeyActsForAgent({ id: "key_a", orgId: org.id }, agentId, t0);
    await prisma.agent.update({ where: { id: agentId }, data: { apiKeyId: "key_b" } });
    forgetAgentOwner(agentId);
    await expect(assertKeyActsForAgent({ id: "key_a", orgId: org.id }, agentId, t0 + 1)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(assertKeyActsForAgent({ id: "key_b", orgId: org.id }, agentId, t0 + 2)).resolves.toBeUndefined();
  });

  it("keeps an assignment's agent for good: an assignment never moves", async () => {
    const org = await createTestOrg();
    const { agentId } = await registerAgent(org.id, "key_a", registration());
    const assignment = await prisma.assignment.create({ data: { orgId: org.id, agentId, state: "running" } });
    const key = { id: "key_a", orgId: org.id };
    await assertKeyActsForAssignment(key, assignment.id);
    await prisma.assignment.delete({ where: { id: assignment.id } });
    await expect(assertKeyActsForAssignment(key, assignment.id)).resolves.toBeUndefined();
    await expect(assertKeyActsForAssignment(key, "no-such-assignment")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No such assignment.",
    });
  });

  it("keeps every assignment it has read, not only the latest", async () => {
    const { org, first, second, key } = await twoAssignments();
    await assertKeyActsForAssignment(key, first.id);
    await assertKeyActsForAssignment(key, second.id);
    await prisma.assignment.deleteMany({ where: { orgId: org.id } });
    await expect(assertKeyActsForAssignment(key, first.id)).resolves.toBeUndefined();
    await expect(assertKeyActsForAssignment(key, second.id)).resolves.toBeUndefined();
  });

  it("remembers at most 20,000 assignments: the next one read starts afresh", async () => {
    const { agentId, first: kept, second: next, key } = await twoAssignments();
    // Misses are not remembered, so a caller fills the cache only with 20,000 real assignments (a
    // minute of inserts here): the test fills the process-wide map itself, up to one short of full.
    const cache = (globalThis as { koiAssignmentAgents?: Map<string, string> }).koiAssignmentAgents!;
    for (let i = 0; cache.size < 19_999; i++) cache.set(`filler-${i}`, agentId);
    try {
      await assertKeyActsForAssignment(key, kept.id);
      await prisma.assignment.delete({ where: { id: kept.id } });
      await expect(assertKeyActsForAssignment(key, kept.id)).resolves.toBeUndefined();
      await assertKeyActsForAssignment(key, next.id);
      await expect(assertKeyActsForAssignment(key, kept.id)).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: "No such assignment.",
      });
    } finally {
      cache.clear();
    }
  });

  it("answers NOT_FOUND for an agent whose owner it read before another org's key asked", async () => {
    const org = await createTestOrg();
    const { agentId } = await registerAgent(org.id, "key_a", registration());
    const t0 = Date.now();
    await assertKeyActsForAgent({ id: "key_a", orgId: org.id }, agentId, t0);
    // Cached, and still checked: the same key id from another org is refused.
    await expect(assertKeyActsForAgent({ id: "key_a", orgId: "another-org" }, agentId, t0 + 1)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No such agent.",
    });
  });
});
