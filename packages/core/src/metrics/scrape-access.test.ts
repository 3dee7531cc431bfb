import { describe, expect, it } from "vitest";
import { isLoopbackAddress, scrapeAccess } from "./scrape-access.ts";

const TOKEN = "0123456789abcdef0123";

describe("scrapeAccess", () => {
  it.each([
    // [NODE_ENV, token configured, Authorization header, loopback caller, answer]
    ["production", undefined, `Bearer ${TOKEN}`, true, "not_found"],
    ["production", TOKEN, null, true, "unauthorized"],
    ["production", TOKEN, "Bearer wrong", false, "unauthorized"],
    ["production", TOKEN, `Bearer ${TOKEN}x`, false, "unauthorized"],
    ["production", TOKEN, `Bearer ${TOKEN}`, false, "allow"],
    ["production", TOKEN, `bearer ${TOKEN}`, false, "allow"],
    ["development", undefined, null, true, "allow"],
    ["development", undefined, null, false, "not_found"],
    ["development", TOKEN, null, true, "unauthorized"],
    ["test", undefined, null, true, "allow"],
  ] as const)(
    "%s, token %s, header %s, loopback %s → %s",
    (NODE_ENV, KOI_METRICS_TOKEN, authorization, loopback, answer) => {
      expect(scrapeAccess({ NODE_ENV, KOI_METRICS_TOKEN }, { authorization, loopback })).toBe(answer);
    },
  );

  it.each([
    ["127.0.0.1", true],
    ["127.8.0.3", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["10.0.0.5", false],
    ["::ffff:10.0.0.5", false],
    ["unknown", false],
    [undefined, false],
  ])("isLoopbackAddress(%s) = %s", (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});
