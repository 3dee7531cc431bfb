import { z } from "zod";
import { prisma } from "@koi/db";
import { staffProcedure } from "../../../trpc.ts";
import { waitlistEntryViewSelect, waitlistWhere } from "@koi/services/waitlist/find-waitlist-entries";
import { ZWaitlistEntryView, ZWaitlistStatus } from "@koi/services/waitlist/list-waitlist.schema";

// Far above any waitlist we expect; the cap keeps one request from reading an unbounded table.
const EXPORT_MAX_ROWS = 50_000;

export const ZExportWaitlistInput = z
  .object({ status: ZWaitlistStatus.optional(), search: z.string().trim().max(200).optional() })
  .strict();

/** Rows for the CSV download (apps/web /admin/waitlist/export.csv), oldest first. */
export const exportWaitlist = staffProcedure
  .input(ZExportWaitlistInput)
  .output(z.array(ZWaitlistEntryView))
  .query(({ input }) =>
    prisma.waitlistEntry.findMany({
      where: waitlistWhere(input),
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: EXPORT_MAX_ROWS,
      select: waitlistEntryViewSelect,
    }),
  );
