import { z } from "zod";

// Mirrors the Prisma enum without importing @koi/db, so client bundles can use it.
export const roles = ["OWNER", "ADMIN", "MEMBER", "VIEWER"] as const;
export const ZRole = z.enum(roles);
export type TRole = z.infer<typeof ZRole>;
