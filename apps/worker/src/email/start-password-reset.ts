import { startPasswordReset } from "@koi/services/auth/request-password-reset";
import type { TJobHandler } from "../job-context.ts";

/** A reset request: the account lookup, and for an account its reset row and email job. */
export const runStartPasswordReset: TJobHandler<"start-password-reset"> = async ({ email, requestedAt }, ctx) => {
  const started = await startPasswordReset(email, new Date(requestedAt));
  // Not the address: whether it has an account is what the request path keeps to itself.
  ctx.log.info({ resetId: started?.resetId ?? null }, "start-password-reset");
};
