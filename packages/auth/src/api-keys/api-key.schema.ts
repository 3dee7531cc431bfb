import { z } from "zod";
import { apiKeyScopes } from "./api-key-scopes.ts";

export const ZApiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  lastFour: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.date(),
  createdBy: z.string().nullable(),
  /** The member who created it has left the org or was removed: the key still works until revoked. */
  creatorLeft: z.boolean(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

export const ZCreateApiKeyInput = z
  .object({
    name: z.string().trim().min(1, "Give the key a name").max(80),
    scopes: z.array(z.enum(apiKeyScopes)).min(1, "Pick at least one scope").max(apiKeyScopes.length),
    expiresInDays: z.number().int().min(1).max(3650).nullable(),
  })
  .strict();

export const ZRevokeApiKeyInput = z.object({ keyId: z.string().min(1).max(64) }).strict();
