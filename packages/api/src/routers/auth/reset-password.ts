import { env } from "@koi/core/env";
import { enforceRateLimit } from "../../enforce-rate-limit.ts";
import { resetPassword as resetPasswordService } from "@koi/services/auth/reset-password";
import { publicProcedure } from "../../trpc.ts";
import { ZResetPasswordInput, ZResetPasswordOutput } from "@koi/services/auth/reset-password.schema";

export const resetPassword = publicProcedure
  .input(ZResetPasswordInput)
  .output(ZResetPasswordOutput)
  .mutation(async ({ ctx, input }) => {
    // Tokens cannot be guessed; the limit is on argon2 work a caller can make us do.
    await enforceRateLimit("password-reset-use", ctx.ip, env().KOI_AUTH_LIMIT_PER_15_MIN, 15 * 60_000);
    const result = await resetPasswordService(input.token, input.password);
    ctx.log.info("password reset");
    return result;
  });
