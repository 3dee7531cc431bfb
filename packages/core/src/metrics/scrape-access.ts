import { timingSafeEqual } from "node:crypto";
import type { TServerEnv } from "../env.ts";

export type TScrapeAccess = "allow" | "unauthorized" | "not_found";

/**
 * Who may read /metrics. With KOI_METRICS_TOKEN set: only a request bearing it. Without it: nobody
 * in production (the endpoint does not exist, 404), and only this machine otherwise (`loopback`).
 */
export function scrapeAccess(
  config: Pick<TServerEnv, "NODE_ENV" | "KOI_METRICS_TOKEN">,
  request: { authorization: string | null | undefined; loopback: boolean },
): TScrapeAccess {
  const token = config.KOI_METRICS_TOKEN;
  if (!token) return config.NODE_ENV !== "production" && request.loopback ? "allow" : "not_found";
  const presented = /^Bearer (.+)$/i.exec(request.authorization ?? "")?.[1] ?? "";
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b) ? "allow" : "unauthorized";
}

/** Loopback addresses as Node reports a socket's remote address (IPv4, IPv6, IPv4-mapped IPv6). */
export function isLoopbackAddress(address: string | undefined | null): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
