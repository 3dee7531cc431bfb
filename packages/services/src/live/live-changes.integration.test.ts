import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { liveChanges } from "./live-changes.ts";
import { watchTopic, type TLiveChange } from "./watch-topic.ts";

afterAll(() => liveChanges().stop());

const QUIET = Symbol("quiet");

/** The next change the watch yields, or QUIET when none comes within `ms`. */
async function nextWithin(watch: AsyncGenerator<TLiveChange>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<typeof QUIET>((resolve) => {
    timer = setTimeout(() => resolve(QUIET), ms);
  });
  const next = watch.next().then((r) => r.value as TLiveChange);
  const winner = await Promise.race([next, quiet]);
  clearTimeout(timer);
  return { winner, next };
}

async function watching(orgId: string, topic: string) {
  const abort = new AbortController();
  await liveChanges().ready();
  const watch = watchTopic(orgId, topic, abort.signal);
  // The first yield is the "you may have missed something" one every new watcher gets.
  expect((await watch.next()).value).toMatchObject({ topic });
  return { watch, stop: () => abort.abort() };
}

const workloadOf = (orgId: string) =>
  prisma.workload.create({
    data: {
      orgId,
      name: "live",
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      spec: {},
      status: "RUNNING",
    },
  });

describe("live changes (Postgres NOTIFY → a page's topic)", () => {
  it("a committed change to a workload, or a decision for it, reaches its watcher and no other org's", async () => {
    const [a, b] = [await createTestOrg(), await createTestOrg()];
    const mine = await workloadOf(a.id);
    const theirs = await workloadOf(b.id);
    const watch = await watching(a.id, `workload:${mine.id}`);
    const other = await watching(b.id, `workload:${theirs.id}`);

    await prisma.workload.update({ where: { id: mine.id }, data: { progressDone: 5 } });
    const seen = await nextWithin(watch.watch, 3_000);
    expect(seen.winner).toMatchObject({ topic: `workload:${mine.id}` });
    expect((await nextWithin(other.watch, 1_500)).winner).toBe(QUIET);

    await prisma.decision.create({
      data: { orgId: a.id, workloadId: mine.id, kind: "plan", inputs: {}, plan: {}, reason: "test" },
    });
    expect((await nextWithin(watch.watch, 3_000)).winner).toMatchObject({ topic: `workload:${mine.id}` });
    watch.stop();
    other.stop();
  });

  it("the fleet topic fires when an agent registers, not when a heartbeat only refreshes its time", async () => {
    const org = await createTestOrg();
    const watch = await watching(org.id, "fleet");
    const { agentId } = await registerAgent(org.id, "key", registration());
    expect((await nextWithin(watch.watch, 3_000)).winner).toMatchObject({ topic: "fleet" });

    // Let the coalescing window pass, then touch only what every heartbeat writes.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await prisma.agent.update({ where: { id: agentId }, data: { lastHeartbeatAt: new Date(), metrics: { x: 1 } } });
    expect((await nextWithin(watch.watch, 1_500)).winner).toBe(QUIET);
    watch.stop();
  });
});
