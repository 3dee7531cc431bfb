import { createTRPCRouter } from "../../trpc.ts";
import { createApiKey } from "./create-api-key.ts";
import { listApiKeys } from "./list-api-keys.ts";
import { revokeApiKey } from "./revoke-api-key.ts";

export const apiKeysRouter = createTRPCRouter({ list: listApiKeys, create: createApiKey, revoke: revokeApiKey });
