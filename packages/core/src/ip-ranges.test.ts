import { describe, expect, it } from "vitest";
import { isIpAddress, isLoopbackAddress, isPublicUnicastAddress } from "./ip-ranges.ts";

describe("isPublicUnicastAddress", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "0.0.0.0",
    "10.0.0.5",
    "172.16.3.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.5",
    "fd00:ec2::254",
    "fe80::1",
    "ff02::1",
    "64:ff9b::a00:5",
    "2002:a00:5::",
    // IPv4-compatible IPv6: ipaddr.js calls ::/96 unicast, and the SSRF guard took it.
    "::7f00:1",
    "[::127.0.0.1]",
    "::a9fe:a9fe",
    "[::1]",
    "not-an-ip",
  ])("refuses %s", (ip) => expect(isPublicUnicastAddress(ip)).toBe(false));

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])("allows %s", (ip) =>
    expect(isPublicUnicastAddress(ip)).toBe(true),
  );
});

describe("isLoopbackAddress", () => {
  it("knows loopback in every spelling, and nothing else", () => {
    for (const ip of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "[::1]"])
      expect(isLoopbackAddress(ip)).toBe(true);
    for (const ip of ["10.0.0.1", "0.0.0.0", "unknown", ""]) expect(isLoopbackAddress(ip)).toBe(false);
  });
});

describe("isIpAddress", () => {
  it("tells addresses from names", () => {
    expect(isIpAddress("10.0.0.1")).toBe(true);
    expect(isIpAddress("[fe80::1]")).toBe(true);
    expect(isIpAddress("hooks.example.com")).toBe(false);
  });
});
