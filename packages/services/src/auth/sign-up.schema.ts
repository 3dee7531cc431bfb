import { z } from "zod";
import { ZEmail, ZPassword, ZSecretToken } from "./credentials.schema.ts";

export const ZSignUpInput = z
  .object({
    inviteToken: ZSecretToken.optional(),
    email: ZEmail.optional(),
    name: z.string().trim().min(1, "Enter your name.").max(100),
    password: ZPassword,
  })
  .strict();
export type TSignUpInput = z.infer<typeof ZSignUpInput>;

// The email to sign in with. An existing account answers the same as a new one (no enumeration).
export const ZSignUpOutput = z.object({ email: z.string() });
