import { z } from "zod";
import { ZRole } from "../members/role.schema.ts";
import { ZSecretToken } from "./credentials.schema.ts";

export const ZInvitationInfoInput = z.object({ token: ZSecretToken }).strict();

export const ZInvitationInfoOutput = z.object({
  email: z.string(),
  // null: an invitation to Koi itself (waitlist approval) — the user gets their own org.
  orgName: z.string().nullable(),
  role: ZRole,
  userExists: z.boolean(),
});
export type TInvitationInfo = z.infer<typeof ZInvitationInfoOutput>;
