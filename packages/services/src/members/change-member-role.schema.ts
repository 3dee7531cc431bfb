import { z } from "zod";
import { ZRole } from "./role.schema.ts";

export const ZChangeMemberRoleInput = z.object({ membershipId: z.string().min(1).max(64), role: ZRole }).strict();
export type TChangeMemberRoleInput = z.infer<typeof ZChangeMemberRoleInput>;
export const ZChangeMemberRoleOutput = z.object({ membershipId: z.string(), role: ZRole });
