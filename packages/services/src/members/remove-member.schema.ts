import { z } from "zod";

export const ZRemoveMemberInput = z.object({ membershipId: z.string().min(1).max(64) }).strict();
// `left`: the caller removed themself, so the client should move to another org.
export const ZRemoveMemberOutput = z.object({ left: z.boolean() });
