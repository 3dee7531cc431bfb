import { staffProcedure } from "../../../trpc.ts";
import { countWaitlistByStatus, findWaitlistEntries } from "@koi/services/waitlist/find-waitlist-entries";
import { ZListWaitlistInput, ZListWaitlistOutput } from "@koi/services/waitlist/list-waitlist.schema";

export const listWaitlist = staffProcedure
  .input(ZListWaitlistInput)
  .output(ZListWaitlistOutput)
  .query(async ({ input }) => {
    const [page, counts] = await Promise.all([findWaitlistEntries(input), countWaitlistByStatus()]);
    return { ...page, counts };
  });
