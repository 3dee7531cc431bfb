import { staffProcedure } from "../../../trpc.ts";
import { countWaitlistByStatus, findWaitlistEntries } from "./find-waitlist-entries.ts";
import { ZListWaitlistInput, ZListWaitlistOutput } from "./list-waitlist.schema.ts";

export const listWaitlist = staffProcedure
  .input(ZListWaitlistInput)
  .output(ZListWaitlistOutput)
  .query(async ({ input }) => {
    const [page, counts] = await Promise.all([findWaitlistEntries(input), countWaitlistByStatus()]);
    return { ...page, counts };
  });
