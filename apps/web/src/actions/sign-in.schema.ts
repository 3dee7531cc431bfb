import { z } from "zod";
import { ZEmail } from "@koi/services/auth/credentials.schema";

export const ZSignInInput = z
  .object({
    email: ZEmail,
    password: z.string().min(1, "Enter your password.").max(200),
    callbackUrl: z.string().max(2000).optional(),
  })
  .strict();
export type TSignInInput = z.input<typeof ZSignInInput>;
