import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { TRegisterRequest } from "@koi/contracts/agent/register";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { createRedis } from "@koi/core/redis";
import { commandWakeupChannel } from "./command-wakeups.ts";
import { registerAgent } from "./register-agent.ts";

/** A valid registration with a fresh instance id (tests only). */
export function registration(engine: TRegisterRequest["engine"] = "sim"): TRegisterRequest {
  return {
    instanceId: `inst-${randomBytes(6).toString("hex")}`,
    engine,
    engineVersion: null,
    agentVersion: "0.1.0",
    protocolVersion: 1,
    cluster: { name: "us-east", kind: "cloud", provider: "aws", region: "us-east-1" },
    capabilities: ["spot"],
  };
}

/** A fresh org with a registered agent and one running assignment on it (tests only). */
export async function agentWithAssignment() {
  const org = await createTestOrg();
  const { agentId } = await registerAgent(org.id, "key_test", registration());
  const assignment = await prisma.assignment.create({ data: { orgId: org.id, agentId, state: "running" } });
  return { org, agentId, assignment };
}

/**
 * The agents woken from now on, as the web processes' long-polls hear it: a subscription of its own
 * to the wake-up channel (tests only; integration files run one at a time, so the wake-ups are
 * this file's).
 */
export async function recordWakeups() {
  const subscriber = createRedis({ maxRetriesPerRequest: null });
  const woken: string[] = [];
  subscriber.on("message", (_channel, agentId: string) => woken.push(agentId));
  await subscriber.subscribe(commandWakeupChannel());
  return {
    /** The agent ids published since the last call; the PING answers after every message published before it. */
    async take(): Promise<string[]> {
      await subscriber.ping();
      return woken.splice(0);
    },
    close: () => subscriber.quit().then(() => undefined),
  };
}

/** recordWakeups for a test file: subscribed before its tests, forgotten before each, closed after. */
export function recordWakeupsPerTest(): { take: () => Promise<string[]> } {
  let wakeups: Awaited<ReturnType<typeof recordWakeups>> | undefined;
  beforeAll(async () => {
    wakeups = await recordWakeups();
  });
  beforeEach(async () => {
    await wakeups!.take();
  });
  afterAll(async () => {
    await wakeups!.close();
  });
  return { take: () => wakeups!.take() };
}
