import { enforceRateLimit } from "../../enforce-rate-limit.ts";
import { inviteMember } from "@koi/services/members/invite-member";
import { orgProcedure } from "../../trpc.ts";
import { ZInviteMemberInput, ZPendingInvitation } from "@koi/services/members/invite-member.schema";

export const invite = orgProcedure("ADMIN")
  .input(ZInviteMemberInput)
  .output(ZPendingInvitation)
  .mutation(async ({ ctx, input }) => {
    // Each invitation sends an email to any address: cap it per person, who may create
    // organizations (20 an hour) to send more, and per org. The person's cap comes first, so
    // invitations it refuses do not use up the org's for its other admins.
    await enforceRateLimit("invite-by-user", ctx.userId, 100, 60 * 60_000);
    await enforceRateLimit("invite", ctx.orgId, 50, 60 * 60_000);
    const invitation = await inviteMember({ orgId: ctx.orgId, userId: ctx.userId, role: ctx.role }, input);
    ctx.log.info({ invitationId: invitation.id, role: input.role }, "member invited");
    return invitation;
  });
