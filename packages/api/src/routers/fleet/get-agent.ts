import { ZAgentDetail, ZAgentDetailInput } from "@koi/services/fleet/fleet.schema";
import { getAgent as findAgent } from "@koi/services/fleet/get-agent";
import { orgProcedure } from "../../trpc.ts";

export const getAgent = orgProcedure("VIEWER")
  .input(ZAgentDetailInput)
  .output(ZAgentDetail)
  .query(({ ctx, input }) => findAgent(ctx.orgId, input.agentId));
