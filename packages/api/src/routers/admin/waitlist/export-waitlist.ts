import { z } from "zod";
import { exportWaitlistEntries } from "@koi/services/waitlist/find-waitlist-entries";
import { ZExportWaitlistInput, ZWaitlistEntryView } from "@koi/services/waitlist/list-waitlist.schema";
import { staffProcedure } from "../../../trpc.ts";

/** Rows for the CSV download (apps/web /admin/waitlist/export.csv), oldest first. */
export const exportWaitlist = staffProcedure
  .input(ZExportWaitlistInput)
  .output(z.array(ZWaitlistEntryView))
  .query(({ input }) => exportWaitlistEntries(input));
