import { createTRPCRouter } from "../../trpc.ts";
import { acceptInvitation } from "./accept-invitation.ts";
import { invitationInfo } from "./invitation-info.ts";
import { requestPasswordReset } from "./request-password-reset.ts";
import { resetPassword } from "./reset-password.ts";
import { signUp } from "./sign-up.ts";

export const authRouter = createTRPCRouter({
  signUp,
  invitationInfo,
  acceptInvitation,
  requestPasswordReset,
  resetPassword,
});
