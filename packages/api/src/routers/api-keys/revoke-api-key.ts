import { z } from "zod";
import { revokeApiKey as revokeKey } from "@koi/auth/api-keys/manage-api-keys";
import { orgProcedure } from "../../trpc.ts";
import { ZRevokeApiKeyInput } from "@koi/auth/api-keys/api-key.schema";

export const revokeApiKey = orgProcedure("ADMIN")
  .input(ZRevokeApiKeyInput)
  .output(z.object({ id: z.string(), revokedAt: z.date() }))
  .mutation(async ({ ctx, input }) => {
    const key = await revokeKey({ orgId: ctx.orgId, actorUserId: ctx.userId, keyId: input.keyId });
    ctx.log.info({ apiKeyId: key.id }, "api key revoked");
    return { id: key.id, revokedAt: key.revokedAt ?? new Date() };
  });
