import { randomBytes } from "node:crypto";
import type { TRegisterRequest } from "@koi/contracts/agent/register";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
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
