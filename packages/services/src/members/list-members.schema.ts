import { z } from "zod";
import { ZRole } from "./role.schema.ts";

export const ZMember = z.object({
  membershipId: z.string(),
  userId: z.string(),
  name: z.string().nullable(),
  email: z.string(),
  role: ZRole,
  joinedAt: z.date(),
  isYou: z.boolean(),
});
export const ZListMembersOutput = z.array(ZMember);
export type TMember = z.infer<typeof ZMember>;
