import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ZTunaScalingPolicy } from "@koi/contracts";
import { readJson, sendJson, sendText } from "../http-kit.ts";
import type { TunaBackends } from "./tuna-backends.ts";
import type { TunaRouter } from "./tuna-router.ts";

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function validUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Tuna's router endpoints (D.1) plus the simulated backends under /_sim/. */
export function createTunaHandler(
  router: TunaRouter,
  backends: TunaBackends,
  options: { apiKey: string | null; apiKeyHeader: string; allowHealthNoAuth: boolean },
) {
  const authorised = (req: IncomingMessage): boolean => {
    if (!options.apiKey) return true;
    const header = req.headers[options.apiKeyHeader.toLowerCase()];
    if (typeof header === "string" && safeEqual(header, options.apiKey)) return true;
    const auth = req.headers.authorization;
    return typeof auth === "string" && auth.startsWith("Bearer ") && safeEqual(auth.slice(7), options.apiKey);
  };

  const noSpotService = (res: ServerResponse, name: string) => {
    const names = backends.spotServices.map((s) => s.gpuType).join(", ");
    sendJson(res, 404, { detail: `no spot service ${name}; this simulator runs ${names}` });
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://tuna");
    const path = url.pathname;
    const method = req.method ?? "GET";

    const sim = /^\/_sim\/(spot|serverless)(\/.*)$/.exec(path);
    if (sim) return backends.handle(req, res, sim[1] === "spot" ? backends.ownSpot : backends.serverless, sim[2]!);
    const variant = /^\/_sim\/skyserve\/([^/]+)(\/.*)$/.exec(path);
    if (variant) {
      // Matched as the base URL spells it, so a malformed escape is just an unknown service.
      const service = backends.spotServices.find((s) => encodeURIComponent(s.gpuType) === variant[1]);
      if (!service) return noSpotService(res, variant[1]!);
      return backends.handle(req, res, service, variant[2]!);
    }

    if (path === "/router/health" && method === "GET") {
      if (!options.allowHealthNoAuth && !authorised(req)) return sendText(res, 401, "unauthorized");
      // koi_spot_services is the simulator's too: every spot service it runs (the deployment's own
      // and the variants) by GPU type, at the base URL Koi posts as spot_url to switch to it.
      const services = Object.fromEntries(backends.spotServices.map((s) => [s.gpuType, s.baseUrl]));
      return sendJson(res, 200, { ...router.health(), koi_spot_services: services });
    }
    if (path === "/router/config" && method === "POST") {
      if (!authorised(req)) return sendText(res, 401, "unauthorized");
      const body = ((await readJson(req)) ?? {}) as Record<string, unknown>;
      // An invalid URL raises inside the handler: a plain 500, as the real router answers.
      for (const key of ["serverless_url", "spot_url"])
        if (key in body && !validUrl(body[key])) return sendText(res, 500, "Internal Server Error");
      if (typeof body.serverless_url === "string") router.serverlessUrl = body.serverless_url;
      if (typeof body.spot_url === "string") router.spotUrl = body.spot_url;
      if (typeof body.serverless_auth_token === "string") router.serverlessToken = body.serverless_auth_token;
      return sendJson(res, 200, { status: "ok" });
    }
    if (path === "/router/spot-replicas" && method === "POST") {
      if (!authorised(req)) return sendText(res, 401, "unauthorized");
      const body = (await readJson(req).catch(() => undefined)) as { replicas?: unknown } | undefined;
      if (!body || typeof body.replicas !== "number" || !Number.isInteger(body.replicas) || body.replicas < 0) {
        return sendJson(res, 422, {
          detail: [{ type: "int_parsing", loc: ["body", "replicas"], msg: "Input should be a valid integer" }],
        });
      }
      router.setSpotReplicas(body.replicas);
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/router/scaling-policy") {
      // Not a Tuna endpoint: Tuna takes its scaling policy at `tuna deploy --scaling-policy`. The
      // simulator accepts the same policy here (Tuna's keys, integers, no unknown keys) so Koi's
      // agent can change it on a running service, as it would through the command it is given.
      // `?service=<gpuType>` picks the spot service (default: the deployment's own); the serverless
      // policy is shared by all.
      if (!authorised(req)) return sendText(res, 401, "unauthorized");
      const name = url.searchParams.get("service");
      const service = name === null ? backends.ownSpot : backends.spotService(name);
      if (!service) return noSpotService(res, name!);
      if (method === "GET") return sendJson(res, 200, backends.policy(service));
      if (method !== "POST") return sendText(res, 405, "Method Not Allowed");
      const parsed = ZTunaScalingPolicy.safeParse(await readJson(req).catch(() => undefined));
      if (!parsed.success)
        return sendJson(res, 422, {
          detail: parsed.error.issues.map((i) => ({ loc: ["body", ...i.path.map(String)], msg: i.message })),
        });
      backends.setPolicy(parsed.data, service);
      return sendJson(res, 200, { status: "ok", policy: backends.policy(service) });
    }
    return router.proxy(req, res, authorised(req));
  };
}
