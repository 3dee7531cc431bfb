import { randomUUID } from "node:crypto";
import { createApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { prisma } from "@koi/db";
import { createTestOrg, createTestUser } from "@koi/db/factories";
import { hashPassword } from "@koi/db/password";

export const baseUrl = () => process.env.KOI_HTTP_BASE_URL!;

export type TAnswer = { status: number; headers: Headers; text: string; json: unknown };

/** One real HTTP request to the running server (or another at `base`); never follows redirects. */
export async function http(path: string, init: RequestInit = {}, base = baseUrl()): Promise<TAnswer> {
  const res = await fetch(`${base}${path}`, { redirect: "manual", ...init });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A tRPC mutation as the app's own pages send it (JSON, same origin). */
export function trpcMutation(procedure: string, input: unknown, headers: Record<string, string> = {}) {
  return http(`/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl(), ...headers },
    body: JSON.stringify({ json: input }),
  });
}

const PASSWORD = "correct-horse-battery-2026";

/** A user with a password who owns an org, and a workloads API key of that org. */
export async function createOwner() {
  const user = await createTestUser({ passwordHash: await hashPassword(PASSWORD) });
  const org = await createTestOrg({ ownerId: user.id });
  const { secret } = await createApiKey({
    orgId: org.id,
    actorUserId: null,
    name: "http suite",
    scopes: ["workloads:read", "workloads:write"],
    expiresAt: null,
  });
  return { user, org, password: PASSWORD, apiKey: secret };
}

/** Cookie header from Set-Cookie lines (name=value only). */
function cookiesOf(headers: Headers): string[] {
  return headers.getSetCookie().map((c) => c.split(";")[0]!);
}

/** Signs in through Auth.js's credentials endpoint; returns the session cookie, or null when refused. */
export async function signIn(
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<{ cookie: string | null; location: string }> {
  const csrf = await http("/api/auth/csrf", { headers });
  const csrfCookies = cookiesOf(csrf.headers);
  const { csrfToken } = csrf.json as { csrfToken: string };
  const res = await http("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookies.join("; "), ...headers },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${baseUrl()}/` }).toString(),
  });
  const session = cookiesOf(res.headers).find((c) => c.startsWith("authjs.session-token="));
  return {
    cookie: session ? [session, ...csrfCookies].join("; ") : null,
    location: res.headers.get("location") ?? "",
  };
}

/** The signed-in user's id as the server sees the cookie, or null. */
export async function sessionUser(cookie: string): Promise<string | null> {
  const res = await http("/api/auth/session", { headers: { cookie } });
  return (res.json as { user?: { id?: string } } | null)?.user?.id ?? null;
}

export async function signOut(cookie: string): Promise<void> {
  const csrf = await http("/api/auth/csrf", { headers: { cookie } });
  const { csrfToken } = csrf.json as { csrfToken: string };
  await http("/api/auth/signout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken }).toString(),
  });
}

export { prisma };

/** A well-formed agent heartbeat body reporting `pools` (or keeping the last inventory when null). */
export function heartbeatBody(pools: unknown[] | null = null) {
  return {
    sentAt: new Date().toISOString(),
    inventory: pools === null ? null : { collectedAt: new Date().toISOString(), pools },
    assignments: [],
    metrics: {
      uptimeSeconds: 1,
      spoolPending: 0,
      spoolOldestAgeSeconds: null,
      engineReachable: true,
      lastEngineError: null,
    },
  };
}

/** A REST call with an API key: GET without `body`, else a JSON POST with a fresh Idempotency-Key. */
export function keyCall(
  secret: string,
  path: string,
  opts: { body?: unknown; base?: string; signal?: AbortSignal } = {},
): Promise<TAnswer> {
  const post = opts.body !== undefined;
  return http(
    path,
    {
      method: post ? "POST" : "GET",
      headers: {
        authorization: `Bearer ${secret}`,
        "content-type": "application/json",
        // koi-agent and the SDK send one on every POST; the API refuses a POST without one.
        ...(post ? { "idempotency-key": randomUUID() } : {}),
      },
      ...(post ? { body: JSON.stringify(opts.body) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    opts.base,
  );
}

/** A well-formed agent registration for `instanceId`. */
export function agentRegistration(instanceId: string, cluster = "http-cluster") {
  return {
    instanceId,
    engine: "sim",
    engineVersion: null,
    agentVersion: "0.1.0",
    protocolVersion: 1,
    cluster: { name: cluster, kind: "cloud", provider: "aws", region: "us-east-1" },
    capabilities: ["spot"],
  };
}
