import { z } from "zod";
import { ZSecretToken } from "./credentials.schema.ts";

export const ZAcceptInvitationInput = z.object({ token: ZSecretToken }).strict();
export const ZAcceptInvitationOutput = z.object({ orgId: z.string(), orgSlug: z.string() });
