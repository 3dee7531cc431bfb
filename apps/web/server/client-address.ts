import { isIP } from "node:net";
import type { IncomingHttpHeaders } from "node:http";
import { CLIENT_IP_HEADER } from "@koi/auth/client-ip";

/** Headers a client could use to claim another address; none reaches the app unless a trusted proxy set it. */
const ADDRESS_HEADERS = [
  CLIENT_IP_HEADER,
  "x-forwarded-for",
  "x-real-ip",
  "forwarded",
  "x-client-ip",
  "x-cluster-client-ip",
  "true-client-ip",
  "cf-connecting-ip",
  "fastly-client-ip",
];
/** What a proxy says about the original URL; believed only behind a trusted proxy. */
const PROXY_URL_HEADERS = ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"];

const unmap = (ip: string) => (ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

/**
 * The client's address: the socket's peer, or, behind `trustedHops` proxies (KOI_TRUST_PROXY), the
 * entry that many places from the right of X-Forwarded-For — each trusted proxy appends the address
 * it saw, so entries further left are whatever the client wrote and are never believed.
 */
export function resolveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedHops: number,
): string {
  const peer = unmap(socketAddress ?? "") || "unknown";
  if (trustedHops <= 0 || !forwardedFor) return peer;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!chain.length) return peer;
  const candidate = unmap(chain[Math.max(0, chain.length - trustedHops)]!);
  return isIP(candidate) ? candidate : peer;
}

/** Replaces every client-controlled address header with the one Koi resolved (mutates `headers`). */
export function stampClientIp(headers: IncomingHttpHeaders, socketAddress: string | undefined, trustedHops: number) {
  const ip = resolveClientIp(socketAddress, headers["x-forwarded-for"], trustedHops);
  for (const name of ADDRESS_HEADERS) delete headers[name];
  if (trustedHops <= 0) for (const name of PROXY_URL_HEADERS) delete headers[name];
  headers[CLIENT_IP_HEADER] = ip;
  return ip;
}
