import { z } from "zod";

export const ZRevokeInvitationInput = z.object({ invitationId: z.string().min(1).max(64) }).strict();
export const ZRevokeInvitationOutput = z.object({ invitationId: z.string() });
