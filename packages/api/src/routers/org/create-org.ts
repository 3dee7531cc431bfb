import { enforceRateLimit } from "../../enforce-rate-limit.ts";
import { createOrg } from "@koi/services/org/create-org";
import { protectedProcedure } from "../../trpc.ts";
import { ZCreateOrgInput, ZOrgSummary } from "@koi/services/org/create-org.schema";

export const create = protectedProcedure
  .input(ZCreateOrgInput)
  .output(ZOrgSummary)
  .mutation(async ({ ctx, input }) => {
    await enforceRateLimit("org-create", ctx.userId, 20, 60 * 60_000);
    const org = await createOrg(ctx.userId, input.name);
    ctx.log.info({ orgId: org.id }, "org created");
    return org;
  });
