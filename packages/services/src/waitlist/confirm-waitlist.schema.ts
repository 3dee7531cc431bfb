import { z } from "zod";

export const ZConfirmWaitlistInput = z.object({ token: z.string().min(1).max(200) }).strict();
export const ZConfirmWaitlistOutput = z.object({ status: z.enum(["CONFIRMED", "APPROVED"]) }).strict();
