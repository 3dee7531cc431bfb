import { describe, expect, it } from "vitest";
import { isAllowedWebhookUrl, ZNotificationSettingsInput } from "./notifications.schema.ts";

describe("isAllowedWebhookUrl", () => {
  it.each([
    ["https://hooks.example.com/koi", true],
    ["http://localhost:4000/hook", true],
    ["http://127.0.0.1/hook", false],
    ["http://127.0.0.1:6379/", false],
    ["https://10.0.0.5/", false],
    ["https://169.254.169.254/latest/meta-data/", false],
    ["https://[fd00:ec2::254]/", false],
    ["https://[::1]/", false],
    ["http://hooks.example.com/koi", false],
    ["ftp://example.com", false],
    ["javascript:alert(1)", false],
    ["https://user:pw@example.com", false],
    ["not a url", false],
  ])("%s → %s", (url, ok) => expect(isAllowedWebhookUrl(url)).toBe(ok));
});

describe("ZNotificationSettingsInput", () => {
  it("turns blank fields into null", () => {
    expect(ZNotificationSettingsInput.parse({ webhookUrl: " ", email: "", sloAtRisk: true, budget: false })).toEqual({
      webhookUrl: null,
      email: null,
      sloAtRisk: true,
      budget: false,
    });
  });
  it("rejects a bad email", () => {
    expect(
      ZNotificationSettingsInput.safeParse({ webhookUrl: null, email: "nope", sloAtRisk: true, budget: true }).success,
    ).toBe(false);
  });
});
