import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { appRouter, createCallerFactory, createContext } from "@koi/api";
import { auth } from "@/auth";

const createCaller = createCallerFactory(appRouter);

/** tRPC for server components: the same procedures (and checks) as the HTTP API. */
export const serverApi = cache(async () => {
  const session = await auth();
  return createCaller(createContext({ session, headers: new Headers(await headers()) }));
});
