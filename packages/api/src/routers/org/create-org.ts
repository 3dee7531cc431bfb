import { enforceRateLimit } from "../../enforce-rate-limit.ts";
import { createOrg } from "../../services/org/create-org.ts";
import { protectedProcedure } from "../../trpc.ts";
import { ZCreateOrgInput, ZOrgSummary } from "./create-org.schema.ts";

export const create = protectedProcedure
  .input(ZCreateOrgInput)
  .output(ZOrgSummary)
  .mutation(async ({ ctx, input }) => {
    await enforceRateLimit("org-create", ctx.userId, 20, 60 * 60_000);
    const org = await createOrg(ctx.userId, input.name);
    ctx.log.info({ orgId: org.id }, "org created");
    return org;
  });
