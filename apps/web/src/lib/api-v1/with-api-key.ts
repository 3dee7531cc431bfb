import { randomUUID } from "node:crypto";
import { verifyApiKey, type TVerifiedKey } from "@koi/auth/api-keys/verify-api-key";
import { clientIp } from "@koi/auth/client-ip";
import type { TApiKeyScope } from "@koi/auth/api-keys/api-key-scopes";
import { AppError, notFound } from "@koi/core/app-error";
import { env } from "@koi/core/env";
import { logger, type Logger } from "@koi/core/logger";
import { routeTemplate } from "@koi/core/metrics/route-template";
import { inSpan, SpanKind } from "@koi/core/tracing/trace-context";
import { hitRateLimit } from "@koi/core/rate-limit";
import { getRedis, redisKey } from "@koi/core/redis";
import { observeHttpRequest } from "../metrics/observe-http-request.ts";
import { badRequest, errorResponse } from "./api-error-response.ts";
import { readApiKey } from "./read-api-key.ts";
import { assertKeyActsForAgent, assertKeyActsForAssignment } from "@koi/services/agents/key-acts-for";

export type TApiContext = {
  request: Request;
  params: Record<string, string>;
  key: TVerifiedKey;
  requestId: string;
  log: Logger;
};

type TRouteContext = { params: Promise<Record<string, string>> };

const hasControlCharacter = (value: string) => [...value].some((c) => c.charCodeAt(0) < 0x20);

/** Wrong keys allowed per client IP a minute: each one that is well-formed costs a Postgres lookup. */
export const FAILED_KEY_LIMIT_PER_MIN = 30;

/**
 * Counts a 401 against the caller's IP; past the limit the IP is blocked for the rest of the window
 * and its wrong keys get 429 with Retry-After instead (keys that verify still pass).
 */
async function throttleFailedKey(ip: string): Promise<AppError | null> {
  const redis = getRedis();
  const hit = await hitRateLimit(redis, "api-key-401", ip, FAILED_KEY_LIMIT_PER_MIN, 60_000);
  if (hit.allowed) return null;
  await redis.set(redisKey("rl", "api-key-401-blocked", ip), "1", "EX", hit.retryAfterSeconds);
  return tooManyFailures(hit.retryAfterSeconds);
}

const tooManyFailures = (retryAfterSeconds: number) =>
  new AppError("RATE_LIMITED", "Too many requests with invalid API keys from this address.", { retryAfterSeconds });

async function failedKeyBlock(ip: string): Promise<AppError | null> {
  const ttl = await getRedis().ttl(redisKey("rl", "api-key-401-blocked", ip));
  return ttl > 0 ? tooManyFailures(ttl) : null;
}

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
    // Next.js resolves `params` to undefined for a route without dynamic segments.
    const params = (await route.params) ?? {};
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
  const ip = clientIp(request.headers);
  try {
    const blocked = await failedKeyBlock(ip);
    const key = await verifyApiKey(readApiKey(request.headers), opts.scope).catch(async (err: unknown) => {
      if (!(err instanceof AppError && err.code === "UNAUTHORIZED")) throw err;
      // A blocked address keeps getting 429 for wrong keys, but a key that verifies still passes:
      // the address may be shared (a NAT, the host of a customer's agents) with whoever sent them.
      throw blocked ?? (await throttleFailedKey(ip)) ?? err;
    });
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
    // No Koi id holds a control character; Postgres refuses NUL outright (a 500 otherwise).
    if (Object.values(params).some(hasControlCharacter)) throw notFound();
    // An engine key acts only for the agents that registered with it (and their assignments).
    if (params.agentId !== undefined) await assertKeyActsForAgent(key, params.agentId);
    if (params.assignmentId !== undefined) await assertKeyActsForAssignment(key, params.assignmentId);
    if (/%00/.test(new URL(request.url).search)) throw badRequest("The query string must not contain NUL characters.");
    const response = await handler({ request, params, key, requestId, log });
    headers.forEach((value, name) => response.headers.set(name, value));
    return response;
  } catch (err) {
    return errorResponse(err, requestId, headers);
  }
}
