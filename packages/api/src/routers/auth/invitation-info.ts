import { getInvitationInfo } from "../../services/auth/get-invitation-info.ts";
import { publicProcedure } from "../../trpc.ts";
import { ZInvitationInfoInput, ZInvitationInfoOutput } from "./invitation-info.schema.ts";

export const invitationInfo = publicProcedure
  .input(ZInvitationInfoInput)
  .output(ZInvitationInfoOutput)
  .query(({ input }) => getInvitationInfo(input.token));
