import { env } from "@koi/core/env";
import { enforceRateLimit } from "../../enforce-rate-limit.ts";
import { requestPasswordReset as requestPasswordResetService } from "@koi/services/auth/request-password-reset";
import { publicProcedure } from "../../trpc.ts";
import {
  ZRequestPasswordResetInput,
  ZRequestPasswordResetOutput,
} from "@koi/services/auth/request-password-reset.schema";

export const requestPasswordReset = publicProcedure
  .input(ZRequestPasswordResetInput)
  .output(ZRequestPasswordResetOutput)
  .mutation(async ({ ctx, input }) => {
    await enforceRateLimit("password-reset-ip", ctx.ip, env().KOI_AUTH_LIMIT_PER_15_MIN, 15 * 60_000);
    await requestPasswordResetService(input.email);
    return { ok: true as const };
  });
