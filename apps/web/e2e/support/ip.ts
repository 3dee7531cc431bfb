import { randomInt } from "node:crypto";
import type { Page } from "@playwright/test";

/**
 * Rate limits are per client IP. The e2e server trusts one proxy hop (KOI_TRUST_PROXY=1),
 * so each test can act from its own fake address and never inherit another test's counters.
 * Addresses come from 198.18.0.0/15 (reserved for benchmarking; never a real client).
 */
const SPAN = 1 << 17;
let next = randomInt(SPAN);

export function uniqueIp(): string {
  const n = next;
  next = (next + 1) % SPAN;
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** Headers for `request.get/post(..., { headers })` acting from `ip` (a fresh one by default). */
export function ipHeaders(ip: string = uniqueIp()): Record<string, string> {
  return { "x-forwarded-for": ip };
}

/** Makes every request of `page` (navigation, fetch, tRPC) come from one fresh address; returns it. */
export async function useUniqueIp(page: Page): Promise<string> {
  const ip = uniqueIp();
  await page.setExtraHTTPHeaders(ipHeaders(ip));
  return ip;
}
