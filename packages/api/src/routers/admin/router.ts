import { createTRPCRouter } from "../../trpc.ts";
import { adminWaitlistRouter } from "./waitlist/router.ts";

/** Koi operators only: every procedure below is a `staffProcedure` (non-staff get NOT_FOUND). */
export const adminRouter = createTRPCRouter({
  waitlist: adminWaitlistRouter,
});
