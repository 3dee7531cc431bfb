import { randomUUID } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter, createContext } from "@koi/api";
import { auth } from "@/auth";
import { isSameOriginMutation } from "@/lib/same-origin";

async function handle(request: Request) {
  const requestId = randomUUID();
  if (request.method === "POST" && !isSameOriginMutation(request)) {
    return Response.json(
      { error: { code: "FORBIDDEN", message: "Cross-origin or non-JSON mutations are refused.", requestId } },
      { status: 403 },
    );
  }
  const session = await auth();
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createContext({ session, headers: request.headers, requestId }),
    responseMeta({ errors }) {
      const retryAfter = errors
        .map((e) => (e.cause as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds)
        .find(Boolean);
      return {
        headers: new Headers({
          "x-request-id": requestId,
          ...(retryAfter ? { "retry-after": String(retryAfter) } : {}),
        }),
      };
    },
  });
  return response;
}

export { handle as GET, handle as POST };
