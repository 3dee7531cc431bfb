import { describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { announceExpiredLeases } from "./announce-expired-leases.ts";
import { recordWakeupsPerTest } from "./test-fixtures.ts";

const wakeups = recordWakeupsPerTest();

/** `n` agents of a fresh org, each holding one command whose lease ran out at `expiredAt`. */
async function agentsWithExpiredLeases(n: number, expiredAt: Date): Promise<string[]> {
  const org = await createTestOrg();
  const cluster = await prisma.cluster.create({ data: { orgId: org.id, name: "fleet", kind: "cloud" } });
  const agents = await prisma.agent.createManyAndReturn({
    data: Array.from({ length: n }, (_, i) => ({
      orgId: org.id,
      clusterId: cluster.id,
      instanceId: `fleet-${i}`,
      engine: "sim",
      version: "0.1.0",
    })),
    select: { id: true },
  });
  await prisma.command.createMany({
    data: agents.map((a) => ({
      orgId: org.id,
      agentId: a.id,
      type: "stop",
      payload: {},
      epoch: 1,
      status: "LEASED" as const,
      leaseExpiresAt: expiredAt,
    })),
  });
  return agents.map((a) => a.id);
}

describe("announceExpiredLeases", () => {
  it("announces at most 1,000 agents a call; once those have claimed their commands again, the next call announces the rest", async () => {
    // Long before any other test's leases, so `now` below sees only these.
    const expiredAt = new Date("2001-01-01T00:00:00Z");
    const now = new Date(expiredAt.getTime() + 1_000);
    const agents = await agentsWithExpiredLeases(1_001, expiredAt);

    expect(await announceExpiredLeases(now)).toBe(1_000);
    const first = await wakeups.take();
    expect(new Set(first).size).toBe(1_000);
    // The woken agents' polls claim their commands again, leasing them past `now`.
    await prisma.command.updateMany({
      where: { agentId: { in: first } },
      data: { leaseExpiresAt: new Date(now.getTime() + 60_000) },
    });
    expect(await announceExpiredLeases(now)).toBe(1);
    const second = await wakeups.take();
    expect([...first, ...second].sort()).toEqual(agents.sort());
  });

  it("agents whose leases ran out long ago (gone for good) do not keep one whose lease just ran out from being announced", async () => {
    await agentsWithExpiredLeases(1_000, new Date("2002-01-01T00:00:00Z"));
    const [waiting] = await agentsWithExpiredLeases(1, new Date("2002-01-02T00:00:00Z"));
    const now = new Date("2002-01-03T00:00:00Z");
    await announceExpiredLeases(now);
    const woken = await wakeups.take();
    expect(woken).toHaveLength(1_000);
    expect(woken).toContain(waiting);
  });
});
