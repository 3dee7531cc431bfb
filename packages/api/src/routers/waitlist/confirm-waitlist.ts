import { confirmWaitlistEntry } from "@koi/services/waitlist/confirm-waitlist";
import { ZConfirmWaitlistInput, ZConfirmWaitlistOutput } from "@koi/services/waitlist/confirm-waitlist.schema";
import { publicProcedure } from "../../trpc.ts";

export const confirmWaitlist = publicProcedure
  .input(ZConfirmWaitlistInput)
  .output(ZConfirmWaitlistOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await confirmWaitlistEntry(input.token);
    ctx.log.info(result, "waitlist confirm");
    return result;
  });
