import { describe, expect, it } from "vitest";
import { devMailAllowed } from "./dev-mail-access.ts";

describe("devMailAllowed", () => {
  it("never answers in production without the explicit flag, not even on loopback", () => {
    expect(devMailAllowed({ nodeEnv: "production", devMailFlag: false, clientIp: "127.0.0.1" })).toBe(false);
  });

  it("answers loopback clients only, in development or with the flag", () => {
    expect(devMailAllowed({ nodeEnv: "development", devMailFlag: false, clientIp: "127.0.0.1" })).toBe(true);
    expect(devMailAllowed({ nodeEnv: "production", devMailFlag: true, clientIp: "::1" })).toBe(true);
    expect(devMailAllowed({ nodeEnv: "production", devMailFlag: true, clientIp: "192.168.1.20" })).toBe(false);
    expect(devMailAllowed({ nodeEnv: "development", devMailFlag: false, clientIp: "10.0.0.3" })).toBe(false);
    expect(devMailAllowed({ nodeEnv: "development", devMailFlag: false, clientIp: "unknown" })).toBe(false);
  });
});
