import { randomBytes } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Session } from "next-auth";
import { CLIENT_IP_HEADER } from "@koi/auth/client-ip";
import { createContext } from "./context.ts";
import { appRouter } from "./root-router.ts";
import { createCallerFactory } from "./trpc.ts";

// Helpers for *.integration.test.ts: callers as an anonymous visitor or a signed-in user, each
// from its own IP so rate-limit buckets never leak between tests.

const createCaller = createCallerFactory(appRouter);

export const uniqueIp = () =>
  `10.${Array.from(randomBytes(3))
    .map((b) => b % 255)
    .join(".")}`;

export function callerAs(userId: string | null, ip = uniqueIp()) {
  const session: Session | null = userId
    ? { user: { id: userId }, expires: new Date(Date.now() + 3_600_000).toISOString(), activeOrgId: null }
    : null;
  return createCaller(createContext({ session, headers: new Headers({ [CLIENT_IP_HEADER]: ip }) }));
}

/** One mutation through tRPC's fetch adapter, to see the HTTP status and the exact body a browser gets. */
export async function postTrpc(path: string, input: unknown, ip = uniqueIp()) {
  const req = new Request(`http://localhost:3000/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", [CLIENT_IP_HEADER]: ip },
    body: JSON.stringify({ json: input }),
  });
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ session: null, headers: req.headers }),
  });
  return { status: res.status, body: await res.text() };
}
