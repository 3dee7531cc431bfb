import { randomBytes } from "node:crypto";
import type { TRegisterRequest } from "@koi/contracts/agent/register";

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
