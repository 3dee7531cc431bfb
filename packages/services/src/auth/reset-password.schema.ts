import { z } from "zod";
import { ZPassword, ZSecretToken } from "./credentials.schema.ts";

export const ZResetPasswordInput = z.object({ token: ZSecretToken, password: ZPassword }).strict();
export const ZResetPasswordOutput = z.object({ email: z.string() });
