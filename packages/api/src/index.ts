export { appRouter, type AppRouter } from "./root-router.ts";
export { createContext, type TContext } from "./context.ts";
export { createCallerFactory } from "./trpc.ts";
