import { acceptInvitation as acceptInvitationService } from "@koi/services/auth/accept-invitation";
import { protectedProcedure } from "../../trpc.ts";
import { ZAcceptInvitationInput, ZAcceptInvitationOutput } from "@koi/services/auth/accept-invitation.schema";

export const acceptInvitation = protectedProcedure
  .input(ZAcceptInvitationInput)
  .output(ZAcceptInvitationOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await acceptInvitationService(ctx.userId, input.token);
    ctx.log.info({ orgId: result.orgId }, "invitation accepted");
    return result;
  });
