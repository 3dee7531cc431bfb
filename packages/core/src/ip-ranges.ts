import ipaddr from "ipaddr.js";

/** The address, IPv4-mapped IPv6 turned into IPv4; null when `ip` is not an address. */
function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : null;
}

/** Whether `ip` is an IPv4 or IPv6 address (brackets allowed); browser-safe, unlike node:net. */
export function isIpAddress(ip: string): boolean {
  return parse(ip) !== null;
}

/** 127.0.0.0/8 and ::1 (also written as ::ffff:127.0.0.1). */
export function isLoopbackAddress(ip: string): boolean {
  return parse(ip)?.range() === "loopback";
}

/**
 * Whether a server may send requests to `ip` on a customer's behalf: only global unicast. Refused:
 * loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7 — fd00:ec2::254 included), link-local
 * (169.254/16 — the cloud metadata address 169.254.169.254 — and fe80::/10), CGNAT 100.64/10,
 * multicast, broadcast, unspecified, reserved and documentation ranges, and the IPv6 forms that
 * embed an IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible ::a.b.c.d), which could point at any
 * of those.
 */
export function isPublicUnicastAddress(ip: string): boolean {
  const addr = parse(ip);
  if (!addr || addr.range() !== "unicast") return false;
  // IPv4-compatible IPv6 (::/96, deprecated; ipaddr.js calls it unicast) embeds an IPv4 address too.
  return !(addr instanceof ipaddr.IPv6 && addr.match(IPV4_COMPATIBLE, 96));
}

const IPV4_COMPATIBLE = ipaddr.IPv6.parse("::");
