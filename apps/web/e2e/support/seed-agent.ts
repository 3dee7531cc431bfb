import { randomBytes } from "node:crypto";
import { prisma } from "@koi/db";

/** An ONLINE agent in a cluster of its own, written straight into the e2e database. */
export async function seedAgent(
  orgId: string,
  opts: { engine: "sim" | "tuna"; capabilities: string[]; clusterPrefix: string; now: Date },
) {
  const cluster = await prisma.cluster.create({
    data: {
      orgId,
      name: `${opts.clusterPrefix}-${randomBytes(3).toString("hex")}`,
      kind: "cloud",
      provider: "aws",
      region: "us-east-1",
    },
  });
  const agent = await prisma.agent.create({
    data: {
      orgId,
      clusterId: cluster.id,
      instanceId: `e2e-${randomBytes(6).toString("hex")}`,
      engine: opts.engine,
      version: "0.1.0",
      capabilities: opts.capabilities,
      status: "ONLINE",
      lastHeartbeatAt: opts.now,
      // Long, so the liveness sweep does not mark it offline mid-test.
      heartbeatIntervalSeconds: 3600,
    },
  });
  return { cluster, agent };
}
