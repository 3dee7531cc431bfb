import { z } from "zod";
import { ZApiKeyView } from "@koi/auth/api-keys/api-key.schema";
import { findApiKeys } from "@koi/auth/api-keys/list-api-keys";
import { orgProcedure } from "../../trpc.ts";

export const listApiKeys = orgProcedure("MEMBER")
  .output(z.array(ZApiKeyView))
  .query(({ ctx }) => findApiKeys(ctx.orgId));
