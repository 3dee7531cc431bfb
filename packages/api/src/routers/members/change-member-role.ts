import { changeMemberRole } from "@koi/services/members/change-member-role";
import { orgProcedure } from "../../trpc.ts";
import { ZChangeMemberRoleInput, ZChangeMemberRoleOutput } from "@koi/services/members/change-member-role.schema";

export const changeRole = orgProcedure("ADMIN")
  .input(ZChangeMemberRoleInput)
  .output(ZChangeMemberRoleOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await changeMemberRole({ orgId: ctx.orgId, userId: ctx.userId, role: ctx.role }, input);
    ctx.log.info({ membershipId: input.membershipId, role: input.role }, "member role changed");
    return result;
  });
