import { z } from "zod";
import { ZEmail } from "../auth/credentials.schema.ts";
import { ZRole } from "./role.schema.ts";

export const ZInviteMemberInput = z.object({ email: ZEmail, role: ZRole }).strict();
export type TInviteMemberInput = z.infer<typeof ZInviteMemberInput>;

export const ZPendingInvitation = z.object({
  id: z.string(),
  email: z.string(),
  role: ZRole,
  expiresAt: z.date(),
  createdAt: z.date(),
  invitedByName: z.string().nullable(),
});
export type TPendingInvitation = z.infer<typeof ZPendingInvitation>;
