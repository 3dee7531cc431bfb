import { env } from "@koi/core/env";
import { enforceRateLimit } from "../../enforce-rate-limit.ts";
import { signUp as signUpService } from "@koi/services/auth/sign-up";
import { publicProcedure } from "../../trpc.ts";
import { ZSignUpInput, ZSignUpOutput } from "@koi/services/auth/sign-up.schema";

export const signUp = publicProcedure
  .input(ZSignUpInput)
  .output(ZSignUpOutput)
  .mutation(async ({ ctx, input }) => {
    const e = env();
    await enforceRateLimit("sign-up", ctx.ip, e.KOI_AUTH_LIMIT_PER_15_MIN, 15 * 60_000);
    ctx.log.info({ withInvitation: Boolean(input.inviteToken) }, "sign-up");
    return signUpService(input, { openSignUp: e.KOI_OPEN_SIGNUP });
  });
