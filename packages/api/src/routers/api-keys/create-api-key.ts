import { z } from "zod";
import { createApiKey as createKey } from "@koi/auth/api-keys/manage-api-keys";
import { orgProcedure } from "../../trpc.ts";
import { ZCreateApiKeyInput } from "@koi/auth/api-keys/api-key.schema";

/** The secret is in this response only; it is never stored or shown again. */
export const createApiKey = orgProcedure("ADMIN")
  .input(ZCreateApiKeyInput)
  .output(z.object({ id: z.string(), secret: z.string(), prefix: z.string(), lastFour: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
    const { key, secret } = await createKey({
      orgId: ctx.orgId,
      actorUserId: ctx.userId,
      name: input.name,
      scopes: input.scopes,
      expiresAt,
    });
    ctx.log.info({ apiKeyId: key.id, scopes: key.scopes }, "api key created");
    return { id: key.id, secret, prefix: key.prefix, lastFour: key.lastFour };
  });
