import { getInvitationInfo } from "@koi/services/auth/get-invitation-info";
import { publicProcedure } from "../../trpc.ts";
import { ZInvitationInfoInput, ZInvitationInfoOutput } from "@koi/services/auth/invitation-info.schema";

export const invitationInfo = publicProcedure
  .input(ZInvitationInfoInput)
  .output(ZInvitationInfoOutput)
  .query(({ input }) => getInvitationInfo(input.token));
