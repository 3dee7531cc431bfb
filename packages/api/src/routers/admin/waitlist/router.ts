import { createTRPCRouter } from "../../../trpc.ts";
import { approveWaitlist } from "./approve-waitlist-entry.ts";
import { exportWaitlist } from "./export-waitlist.ts";
import { listWaitlist } from "./list-waitlist.ts";

export const adminWaitlistRouter = createTRPCRouter({
  list: listWaitlist,
  approve: approveWaitlist,
  export: exportWaitlist,
});
