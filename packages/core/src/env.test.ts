import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.ts";

const base = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/koi",
  REDIS_URL: "redis://127.0.0.1:6379",
  AUTH_SECRET: "x".repeat(32),
};

describe("parseEnv", () => {
  it("reads the per-key API rate limit, 6000 a minute by default", () => {
    expect(parseEnv(base).KOI_API_KEY_LIMIT_PER_MIN).toBe(6000);
    expect(parseEnv({ ...base, KOI_API_KEY_LIMIT_PER_MIN: "120" }).KOI_API_KEY_LIMIT_PER_MIN).toBe(120);
  });

  it("names a bad value instead of starting with NaN", () => {
    expect(() => parseEnv({ ...base, KOI_API_KEY_LIMIT_PER_MIN: "lots" })).toThrow(/KOI_API_KEY_LIMIT_PER_MIN/);
  });

  it("reads KOI_TRUST_PROXY as a number of proxy hops (0 by default; true/false from older files)", () => {
    expect(parseEnv(base).KOI_TRUST_PROXY).toBe(0);
    expect(parseEnv({ ...base, KOI_TRUST_PROXY: "2" }).KOI_TRUST_PROXY).toBe(2);
    expect(parseEnv({ ...base, KOI_TRUST_PROXY: "true" }).KOI_TRUST_PROXY).toBe(1);
    expect(parseEnv({ ...base, KOI_TRUST_PROXY: "false" }).KOI_TRUST_PROXY).toBe(0);
    expect(() => parseEnv({ ...base, KOI_TRUST_PROXY: "yes" })).toThrow(/KOI_TRUST_PROXY/);
  });
});
