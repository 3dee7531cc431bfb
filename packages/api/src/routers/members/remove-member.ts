import { removeMember } from "@koi/services/members/remove-member";
import { orgProcedure } from "../../trpc.ts";
import { ZRemoveMemberInput, ZRemoveMemberOutput } from "@koi/services/members/remove-member.schema";

// VIEWER+: anyone may leave; removing someone else needs ADMIN (checked in the service).
export const remove = orgProcedure("VIEWER")
  .input(ZRemoveMemberInput)
  .output(ZRemoveMemberOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await removeMember({ orgId: ctx.orgId, userId: ctx.userId, role: ctx.role }, input.membershipId);
    ctx.log.info({ membershipId: input.membershipId, left: result.left }, "member removed");
    return result;
  });
