import { describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER } from "@koi/auth/client-ip";
import { resolveClientIp, stampClientIp } from "./client-address.ts";

describe("resolveClientIp", () => {
  it("uses the socket address when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(resolveClientIp("203.0.113.7", "198.51.100.1", 0)).toBe("203.0.113.7");
    expect(resolveClientIp("203.0.113.7", "198.51.100.1, 203.0.113.7", 0)).toBe("203.0.113.7");
  });

  it("unmaps IPv4-mapped IPv6 socket addresses", () => {
    expect(resolveClientIp("::ffff:127.0.0.1", undefined, 0)).toBe("127.0.0.1");
  });

  it("behind N proxies takes the N-th entry from the right: anything further left is the client's word", () => {
    expect(resolveClientIp("10.0.0.2", "6.6.6.6, 198.51.100.9", 1)).toBe("198.51.100.9");
    expect(resolveClientIp("10.0.0.2", "6.6.6.6, 198.51.100.9, 10.0.0.1", 2)).toBe("198.51.100.9");
    expect(resolveClientIp("10.0.0.2", ["6.6.6.6", "198.51.100.9"], 1)).toBe("198.51.100.9");
  });

  it("falls back to the socket when the trusted entry is missing or not an address", () => {
    expect(resolveClientIp("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
    expect(resolveClientIp("10.0.0.2", "not-an-ip", 1)).toBe("10.0.0.2");
  });
});

describe("stampClientIp", () => {
  it("removes forged address headers and sets the internal one", () => {
    const headers: Record<string, string | string[] | undefined> = {
      [CLIENT_IP_HEADER]: "1.1.1.1",
      "x-forwarded-for": "2.2.2.2",
      "x-real-ip": "3.3.3.3",
      forwarded: "for=4.4.4.4",
      "x-forwarded-host": "evil.example",
    };
    stampClientIp(headers, "203.0.113.7", 0);
    expect(headers).toEqual({ [CLIENT_IP_HEADER]: "203.0.113.7" });
  });
});
