import { adminRouter } from "./routers/admin/router.ts";
import { apiKeysRouter } from "./routers/api-keys/router.ts";
import { authRouter } from "./routers/auth/router.ts";
import { costsRouter } from "./routers/costs/router.ts";
import { fleetRouter } from "./routers/fleet/router.ts";
import { liveRouter } from "./routers/live/router.ts";
import { membersRouter } from "./routers/members/router.ts";
import { notificationsRouter } from "./routers/notifications/router.ts";
import { orgRouter } from "./routers/org/router.ts";
import { overviewRouter } from "./routers/overview/router.ts";
import { waitlistRouter } from "./routers/waitlist/router.ts";
import { workloadsRouter } from "./routers/workloads/router.ts";
import { createTRPCRouter } from "./trpc.ts";

/** Wires the domain routers; each lives in its own folder under routers/. */
export const appRouter = createTRPCRouter({
  waitlist: waitlistRouter,
  admin: adminRouter,
  auth: authRouter,
  org: orgRouter,
  members: membersRouter,
  apiKeys: apiKeysRouter,
  fleet: fleetRouter,
  workloads: workloadsRouter,
  overview: overviewRouter,
  costs: costsRouter,
  notifications: notificationsRouter,
  live: liveRouter,
});

export type AppRouter = typeof appRouter;
