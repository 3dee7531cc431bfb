import { z } from "zod";

export const waitlistStatuses = ["PENDING", "CONFIRMED", "APPROVED"] as const;
export const ZWaitlistStatus = z.enum(waitlistStatuses);

export const ZListWaitlistInput = z
  .object({
    status: ZWaitlistStatus.optional(),
    search: z.string().trim().max(200).optional(),
    cursor: z.string().min(1).max(64).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type TListWaitlistInput = z.input<typeof ZListWaitlistInput>;

export const ZExportWaitlistInput = z
  .object({ status: ZWaitlistStatus.optional(), search: z.string().trim().max(200).optional() })
  .strict();

export const ZWaitlistEntryView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  company: z.string(),
  fleetSize: z.string(),
  workloadType: z.enum(["ONLINE", "BATCH", "BOTH"]),
  status: ZWaitlistStatus,
  createdAt: z.date(),
  confirmedAt: z.date().nullable(),
  approvedAt: z.date().nullable(),
});
export type TWaitlistEntryView = z.output<typeof ZWaitlistEntryView>;

export const ZListWaitlistOutput = z.object({
  items: z.array(ZWaitlistEntryView),
  nextCursor: z.string().nullable(),
  counts: z.object({ PENDING: z.number(), CONFIRMED: z.number(), APPROVED: z.number(), total: z.number() }),
});
