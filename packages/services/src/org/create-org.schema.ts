import { z } from "zod";

export const ZCreateOrgInput = z
  .object({ name: z.string().trim().min(2, "Use at least 2 characters.").max(64) })
  .strict();
export type TCreateOrgInput = z.infer<typeof ZCreateOrgInput>;

export const ZOrgSummary = z.object({ id: z.string(), slug: z.string(), name: z.string() });
