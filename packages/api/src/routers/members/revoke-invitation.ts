import { revokeInvitation as revokeInvitationService } from "@koi/services/members/revoke-invitation";
import { orgProcedure } from "../../trpc.ts";
import { ZRevokeInvitationInput, ZRevokeInvitationOutput } from "@koi/services/members/revoke-invitation.schema";

export const revokeInvitation = orgProcedure("ADMIN")
  .input(ZRevokeInvitationInput)
  .output(ZRevokeInvitationOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await revokeInvitationService({ orgId: ctx.orgId, userId: ctx.userId }, input.invitationId);
    ctx.log.info({ invitationId: input.invitationId }, "invitation revoked");
    return result;
  });
