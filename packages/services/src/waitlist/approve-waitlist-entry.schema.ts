import { z } from "zod";

export const ZApproveWaitlistEntryInput = z.object({ entryId: z.string().min(1).max(64) }).strict();
export const ZApproveWaitlistEntryOutput = z
  .object({ status: z.literal("APPROVED"), invitationId: z.string().nullable(), alreadyApproved: z.boolean() })
  .strict();
