import { z } from "zod";
import { ZEmail } from "./credentials.schema.ts";

export const ZRequestPasswordResetInput = z.object({ email: ZEmail }).strict();
// The same answer whether or not the account exists.
export const ZRequestPasswordResetOutput = z.object({ ok: z.literal(true) });
