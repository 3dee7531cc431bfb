import { acceptInvitation as acceptInvitationService } from "../../services/auth/accept-invitation.ts";
import { protectedProcedure } from "../../trpc.ts";
import { ZAcceptInvitationInput, ZAcceptInvitationOutput } from "./accept-invitation.schema.ts";

export const acceptInvitation = protectedProcedure
  .input(ZAcceptInvitationInput)
  .output(ZAcceptInvitationOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await acceptInvitationService(ctx.userId, input.token);
    ctx.log.info({ orgId: result.orgId }, "invitation accepted");
    return result;
  });
