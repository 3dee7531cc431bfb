import { createTRPCRouter } from "./trpc.ts";

/** Wires the domain routers; each lives in its own folder under routers/. */
export const appRouter = createTRPCRouter({});

export type AppRouter = typeof appRouter;
