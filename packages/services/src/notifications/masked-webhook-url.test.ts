import { describe, expect, it } from "vitest";
import { maskedWebhookUrl, webhookFingerprint } from "./masked-webhook-url.ts";

describe("maskedWebhookUrl", () => {
  it.each([
    ["https://hooks.slack.com/services/T0/B0/SECRET", "https://…slack.com/…"],
    ["https://eo1abc.m.pipedream.net/", "https://…pipedream.net/…"],
    ["https://example.com/hook?token=x", "https://example.com/…"],
    ["https://hooks.example.com./x", "https://…example.com/…"],
    ["http://203.0.113.7:8080/x", "http://…/…"],
    ["http://[2001:db8::1]/x", "http://…/…"],
  ])("%s → %s", (url, masked) => {
    expect(maskedWebhookUrl(url)).toBe(masked);
  });
});

describe("webhookFingerprint", () => {
  it("tells two URLs with the same masked form apart, and gives one URL one fingerprint", () => {
    const a = "https://hooks.slack.com/services/T0/B0/AAAA";
    const b = "https://hooks.slack.com/services/T0/B0/BBBB";
    expect(maskedWebhookUrl(a)).toBe(maskedWebhookUrl(b));
    expect(webhookFingerprint(a)).toMatch(/^[0-9a-f]{8}$/);
    expect(webhookFingerprint(a)).not.toBe(webhookFingerprint(b));
    expect(webhookFingerprint(a)).toBe(webhookFingerprint(a));
  });
});
