import { describe, expect, it } from "vitest";
import { API_KEY_PREFIX, displayParts, generateApiKey, hashApiKey, isWellFormedApiKey } from "./api-key-format.ts";

describe("api key format", () => {
  it("generates 10k distinct keys that match the format and pass the checksum", () => {
    const keys = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const key = generateApiKey();
      expect(key).toMatch(/^koi_live_[0-9A-Za-z]{38}$/);
      expect(isWellFormedApiKey(key)).toBe(true);
      keys.add(key);
    }
    expect(keys.size).toBe(10_000);
  });

  it.each([
    ["empty", ""],
    ["wrong prefix", "koi_test_" + "a".repeat(38)],
    ["too short", API_KEY_PREFIX + "abc"],
    ["bad characters", API_KEY_PREFIX + "!".repeat(38)],
  ])("rejects %s", (_label, key) => {
    expect(isWellFormedApiKey(key)).toBe(false);
  });

  it("rejects any single-character change (checksum)", () => {
    const key = generateApiKey();
    for (let i = API_KEY_PREFIX.length; i < key.length; i++) {
      const swapped = key[i] === "a" ? "b" : "a";
      expect(isWellFormedApiKey(key.slice(0, i) + swapped + key.slice(i + 1))).toBe(false);
    }
  });

  it("hashes deterministically and shows only prefix and last four", () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(key)).toHaveLength(64);
    const parts = displayParts(key);
    expect(key.startsWith(parts.prefix)).toBe(true);
    expect(key.endsWith(parts.lastFour)).toBe(true);
    expect(parts.prefix.length + parts.lastFour.length).toBeLessThan(20);
  });
});
