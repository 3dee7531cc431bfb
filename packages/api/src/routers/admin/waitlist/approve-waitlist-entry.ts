import {
  ZApproveWaitlistEntryInput,
  ZApproveWaitlistEntryOutput,
} from "@koi/services/waitlist/approve-waitlist-entry.schema";
import { approveWaitlistEntry } from "@koi/services/waitlist/approve-waitlist-entry";
import { staffProcedure } from "../../../trpc.ts";

export const approveWaitlist = staffProcedure
  .input(ZApproveWaitlistEntryInput)
  .output(ZApproveWaitlistEntryOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await approveWaitlistEntry(input.entryId, ctx.userId);
    ctx.log.info({ entryId: input.entryId, ...result }, "waitlist approve");
    return result;
  });
