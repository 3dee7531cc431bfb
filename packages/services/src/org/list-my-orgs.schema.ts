import { z } from "zod";
import { ZRole } from "../members/role.schema.ts";

export const ZMyOrg = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  role: ZRole,
  isActive: z.boolean(),
});
export const ZListMyOrgsOutput = z.array(ZMyOrg);
export type TMyOrg = z.infer<typeof ZMyOrg>;
