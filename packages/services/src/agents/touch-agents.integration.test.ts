import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { describe, expect, it } from "vitest";
import { registerAgent } from "./register-agent.ts";
import { registration } from "./test-fixtures.ts";
import { touchAgent } from "./touch-agents.ts";

describe("touchAgent (heartbeats written together)", () => {
  it("answers each concurrent caller with its own agent, and null for another org's agent", async () => {
    const org = await createTestOrg();
    const other = await createTestOrg();
    const agents: { agentId: string }[] = [];
    for (let i = 0; i < 30; i++) agents.push(await registerAgent(org.id, "key_test", registration()));
    const at = new Date(Date.now() + 60_000);
    const later = new Date(at.getTime() + 1000);
    const calls = agents.flatMap(({ agentId }, i) => [
      touchAgent({ orgId: org.id, agentId, at, metrics: JSON.stringify({ n: i }) }),
      // The same agent again (later, without metrics), and once from the wrong org.
      touchAgent({ orgId: org.id, agentId, at: later, metrics: null }),
      touchAgent({ orgId: other.id, agentId, at, metrics: null }),
    ]);
    const answers = await Promise.all(calls);
    agents.forEach(({ agentId }, i) => {
      expect(answers[3 * i]).toMatchObject({ id: agentId, orgId: org.id, status: expect.any(String) });
      expect(answers[3 * i + 1]).toMatchObject({ id: agentId });
      expect(answers[3 * i + 2]).toBeNull();
    });
    // Every write committed before its caller was answered, ending as one-by-one writes would:
    // the last heartbeat's time, the metrics of the last heartbeat that had some.
    const rows = await prisma.agent.findMany({
      where: { orgId: org.id },
      select: { id: true, lastHeartbeatAt: true, metrics: true },
    });
    for (const [i, { agentId }] of agents.entries()) {
      const row = rows.find((r) => r.id === agentId)!;
      expect(row.lastHeartbeatAt?.toISOString()).toBe(later.toISOString());
      expect(row.metrics).toEqual({ n: i });
    }
  });

  it("an unknown agent is null and does not fail the others in its batch", async () => {
    const org = await createTestOrg();
    const { agentId } = await registerAgent(org.id, "key_test", registration());
    const [known, unknown] = await Promise.all([
      touchAgent({ orgId: org.id, agentId, at: new Date(), metrics: null }),
      touchAgent({ orgId: org.id, agentId: "agt_missing", at: new Date(), metrics: null }),
    ]);
    expect(known?.id).toBe(agentId);
    expect(unknown).toBeNull();
  });

  it("writes at most 500 heartbeats a statement: the ones queued past 500 wait for the next", async () => {
    const org = await createTestOrg();
    const { agentId: a } = await registerAgent(org.id, "key_test", registration());
    const { agentId: b } = await registerAgent(org.id, "key_test", registration());
    const at = new Date();
    // The first heartbeat is written at once, alone; the 500 after it fill the next statement, and
    // b's, queued behind them, is left for a third.
    const calls = Array.from({ length: 501 }, () => touchAgent({ orgId: org.id, agentId: a, at, metrics: null }));
    calls.push(touchAgent({ orgId: org.id, agentId: b, at, metrics: null }));
    expect((await Promise.all(calls)).map((t) => t?.id)).toEqual([...Array<string>(501).fill(a), b]);
    // Each statement commits on its own: a row's xmin is the transaction that last wrote it.
    const rows = await prisma.$queryRaw<{ xmin: string }[]>`
      SELECT xmin::text AS xmin FROM "Agent" WHERE id IN (${a}, ${b})`;
    expect(rows).toHaveLength(2);
    expect(rows[0]!.xmin).not.toBe(rows[1]!.xmin);
  });

  it("a statement that fails rejects every heartbeat written in it, and later heartbeats are written", async () => {
    const org = await createTestOrg();
    const { agentId: a } = await registerAgent(org.id, "key_test", registration());
    const { agentId: b } = await registerAgent(org.id, "key_test", registration());
    const at = new Date(Date.now() + 60_000);
    const [first, bad, other] = await Promise.allSettled([
      touchAgent({ orgId: org.id, agentId: a, at, metrics: null }),
      // Written together in the next statement, which fails on metrics that are not JSON.
      touchAgent({ orgId: org.id, agentId: a, at, metrics: "not json" }),
      touchAgent({ orgId: org.id, agentId: b, at, metrics: null }),
    ]);
    expect(first.status).toBe("fulfilled");
    expect(bad.status).toBe("rejected");
    expect(other.status).toBe("rejected");
    const heartbeatOf = async (id: string) => (await prisma.agent.findUniqueOrThrow({ where: { id } })).lastHeartbeatAt;
    expect(await heartbeatOf(b)).not.toEqual(at);
    await expect(touchAgent({ orgId: org.id, agentId: b, at, metrics: null })).resolves.toMatchObject({ id: b });
    expect(await heartbeatOf(b)).toEqual(at);
  }, 10_000);
});
