import { randomBytes } from "node:crypto";
import { ZCommand } from "@koi/contracts";
import { commandWakeups } from "@koi/services/agents/command-wakeups";
import { claimCommands } from "@koi/services/agents/lease-commands";
import { recordReport } from "@koi/services/agents/record-report";
import { dropOutboxRows, orgWithAgent } from "@koi/services/workloads/test-fixtures";
import { onlineReport, onlineSample, runningChatService, tunaL4Pools } from "@koi/services/online/test-fixtures";
import { createRedis } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { afterAll, describe, expect, it } from "vitest";
import { redisWipeMarkerKey } from "../redis-wipe-guard.ts";
import { spawnWorker, type TSpawnedWorker } from "../testing/spawn-worker.ts";
import { waitFor } from "../testing/wait-for.ts";

/*
 * An online service end to end on the server side: the agent's reports carry online samples, the
 * real worker's `plan-online-services` sweep forecasts and plans, and writes a Decision and a
 * `set_scaling` command only when Tuna's policy changes; a sustained latency breach turns the
 * service AT_RISK, scales it up and notifies.
 */

const spawned: TSpawnedWorker[] = [];
const orgsMade: string[] = [];
const redis = createRedis();
afterAll(async () => {
  await prisma.organization.deleteMany({ where: { id: { in: orgsMade } } });
  await dropOutboxRows();
  for (const w of spawned) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
  await commandWakeups().stop();
  redis.disconnect();
});

describe("online service scaling through the worker", () => {
  it("samples → plan-online-services → Decision + set_scaling; a sustained breach → scale up, AT_RISK, notification", async () => {
    const { org, agentId } = await orgWithAgent(tunaL4Pools);
    orgsMade.push(org.id);
    // This test sends no heartbeats: a long interval keeps the liveness sweep from taking the agent offline.
    await prisma.agent.update({ where: { id: agentId }, data: { heartbeatIntervalSeconds: 3600 } });
    const { workload: w, assignment } = await runningChatService(org.id, agentId);

    // Half an hour of a steady 2 req/s inside the SLO.
    const t0 = Date.now() - 40 * 60_000;
    let seq = 0;
    for (let i = 0; i < 30; i++) {
      const at = new Date(t0 + i * 60_000);
      await recordReport(org.id, assignment.id, onlineReport(seq++, at, onlineSample(at)));
    }
    expect(await prisma.onlineSample.count({ where: { workloadId: w.id } })).toBe(30);

    const prefix = `${process.env.KOI_REDIS_PREFIX}-online-${randomBytes(3).toString("hex")}`;
    await redis.set(redisWipeMarkerKey(prefix), "test");
    spawned.push(
      spawnWorker({
        ...process.env,
        KOI_REDIS_PREFIX: prefix,
        KOI_WORKER_HEALTH_PORT: "0",
        LOG_LEVEL: "warn",
        SMTP_URL: "",
      }),
    );
    // planWorkload wrote the placement's own Decision; the sweep's is the next one.
    const first = await waitFor(
      () => prisma.decision.findMany({ where: { workloadId: w.id }, orderBy: { createdAt: "asc" } }).then((d) => d[1]),
      30_000,
      "the first online decision",
    );
    expect(first.kind).toBe("initial");
    expect(first.reason).toMatch(/req\/s/);
    expect(Array.isArray(first.alternatives)).toBe(true);
    const [command] = await claimCommands(agentId);
    const message = ZCommand.parse({
      type: command!.type,
      commandId: command!.id,
      assignmentId: assignment.id,
      epoch: command!.epoch,
      leaseExpiresAt: new Date().toISOString(),
      payload: command!.payload,
    });
    expect(message).toMatchObject({ type: "set_scaling", payload: { decisionId: first.id } });
    const policy = (command!.payload as { policy: { spot: { min_replicas: number; max_replicas: number } } }).policy;
    expect(policy.spot.min_replicas).toBeGreaterThanOrEqual(1);
    const planned = await prisma.workload.findUniqueOrThrow({ where: { id: w.id } });
    expect(planned.health).toBe("ON_TRACK");
    expect(planned.scaling).toMatchObject({
      policy,
      health: { status: "ON_TRACK" },
      forecast: { basis: "recent-level" },
    });

    // Nothing new reported: the sweep writes nothing more.
    await new Promise((r) => setTimeout(r, 12_000));
    expect(await prisma.command.count({ where: { assignmentId: assignment.id, type: "set_scaling" } })).toBe(1);

    // Load jumps to 9 req/s and latency breaks the TPOT target for 10 minutes.
    for (let i = 0; i < 10; i++) {
      const at = new Date(t0 + (30 + i) * 60_000);
      await recordReport(
        org.id,
        assignment.id,
        onlineReport(
          seq++,
          at,
          onlineSample(at, { requestsPerSecond: 9, tpotP95Ms: 160, ttftP95Ms: 1500, waiting: 12 }),
        ),
      );
    }
    const up = await waitFor(
      () => prisma.decision.findFirst({ where: { workloadId: w.id, kind: "scale_up" } }),
      30_000,
      "a scale-up decision",
    ).catch(async (error: unknown) => {
      const seen = await prisma.decision.findMany({
        where: { workloadId: w.id },
        select: { kind: true, reason: true },
      });
      throw new Error(`${String(error)}; decisions: ${JSON.stringify(seen)}`);
    });
    const commands = await prisma.command.findMany({
      where: { assignmentId: assignment.id, type: "set_scaling" },
      orderBy: { createdAt: "asc" },
    });
    expect(commands).toHaveLength(2);
    const after = commands[1]!.payload as { policy: typeof policy; decisionId: string };
    expect(after.decisionId).toBe(up.id);
    expect(after.policy.spot.min_replicas).toBeGreaterThan(policy.spot.min_replicas);
    const risky = await waitFor(
      () => prisma.workload.findFirst({ where: { id: w.id, health: "AT_RISK" } }),
      15_000,
      "AT_RISK",
    );
    expect((risky.scaling as { health: { reasons: string[] } }).health.reasons.join(" ")).toMatch(
      /TPOT p95 160 ms > 100 ms/,
    );
    const notify = await prisma.outboxEvent.findFirst({ where: { orgId: org.id, jobName: "notify-org" } });
    expect(notify).not.toBeNull();
  }, 120_000);
});
