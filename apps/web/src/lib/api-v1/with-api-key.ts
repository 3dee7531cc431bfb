import "server-only";
import { randomUUID } from "node:crypto";
import { verifyApiKey, type TVerifiedKey } from "@koi/auth/api-keys/verify-api-key";
import type { TApiKeyScope } from "@koi/auth/api-keys/api-key-scopes";
import { AppError } from "@koi/core/app-error";
import { env } from "@koi/core/env";
import { logger, type Logger } from "@koi/core/logger";
import { routeTemplate } from "@koi/core/metrics/route-template";
import { inSpan, SpanKind } from "@koi/core/tracing/trace-context";
import { hitRateLimit } from "@koi/core/rate-limit";
import { getRedis } from "@koi/core/redis";
import { observeHttpRequest } from "../metrics/observe-http-request.ts";
import { errorResponse } from "./api-error-response.ts";
import { readApiKey } from "./read-api-key.ts";

export type TApiContext = {
  request: Request;
  params: Record<string, string>;
  key: TVerifiedKey;
  requestId: string;
  log: Logger;
};

type TRouteContext = { params: Promise<Record<string, string>> };

/**
 * Every /api/v1 route: key check (format → hash → cached lookup → revoked → expired → scope),
 * per-key rate limit with X-RateLimit-* headers, one error shape, a request id, a slow-request log.
 */
export function withApiKey(
  handler: (ctx: TApiContext) => Promise<Response>,
  opts: { scope: TApiKeyScope; longPoll?: boolean },
) {
  return async (request: Request, route: TRouteContext): Promise<Response> => {
    const { pathname } = new URL(request.url);
    const params = await route.params;
    const routeLabel = routeTemplate(pathname, params);
    return inSpan(
      `${request.method} ${routeLabel}`,
      { kind: SpanKind.SERVER, attributes: { "http.request.method": request.method, "http.route": routeLabel } },
      async (span) => {
        const started = performance.now();
        const response = await answer(request, params, pathname, handler, opts);
        const ms = performance.now() - started;
        span.setAttribute("http.response.status_code", response.status);
        observeHttpRequest(routeLabel, request.method, response.status, ms / 1000);
        // A long-poll is slow by design; only other requests are worth a warning.
        if (ms > 1000 && !opts.longPoll)
          logger.warn(
            { requestId: response.headers.get("x-request-id"), path: pathname, ms: Math.round(ms) },
            "slow api request",
          );
        return response;
      },
    );
  };
}

async function answer(
  request: Request,
  params: Record<string, string>,
  pathname: string,
  handler: (ctx: TApiContext) => Promise<Response>,
  opts: { scope: TApiKeyScope },
): Promise<Response> {
  const requestId = randomUUID();
  const headers = new Headers({ "x-request-id": requestId });
  let log = logger.child({ requestId, path: pathname });
  try {
    const key = await verifyApiKey(readApiKey(request.headers), opts.scope);
    log = log.child({ orgId: key.orgId, apiKeyId: key.id });
    const limit = await hitRateLimit(getRedis(), "api-key", key.id, env().KOI_API_KEY_LIMIT_PER_MIN, 60_000);
    headers.set("x-ratelimit-limit", String(limit.limit));
    headers.set("x-ratelimit-remaining", String(limit.remaining));
    headers.set("x-ratelimit-reset", String(Math.ceil(limit.resetAtMs / 1000)));
    if (!limit.allowed) {
      throw new AppError("RATE_LIMITED", "Rate limit exceeded for this API key.", {
        retryAfterSeconds: limit.retryAfterSeconds,
      });
    }
    const response = await handler({ request, params, key, requestId, log });
    headers.forEach((value, name) => response.headers.set(name, value));
    return response;
  } catch (err) {
    return errorResponse(err, requestId, headers);
  }
}
