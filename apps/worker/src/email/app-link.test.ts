import { describe, expect, it } from "vitest";
import { appLink } from "./app-link.ts";
import { messageIdFor } from "./send-mail-once.ts";

describe("appLink", () => {
  it.each([
    ["http://localhost:3000", "http://localhost:3000/invite/accept?token=abc-_9"],
    ["http://localhost:3000/", "http://localhost:3000/invite/accept?token=abc-_9"],
    ["https://koi.example.com/app/", "https://koi.example.com/app/invite/accept?token=abc-_9"],
    ["https://koi.example.com/app?x=1#y", "https://koi.example.com/app/invite/accept?token=abc-_9"],
  ])("joins %s and the path", (base, expected) => {
    expect(appLink(base, "/invite/accept", { token: "abc-_9" })).toBe(expected);
  });

  it("encodes parameters", () => {
    expect(appLink("http://x.test", "/reset-password", { token: "a+b/c=" })).toBe(
      "http://x.test/reset-password?token=a%2Bb%2Fc%3D",
    );
  });
});

describe("messageIdFor", () => {
  it("is stable per stored message and uses the app's host", () => {
    expect(messageIdFor("cm123", "https://koi.example.com/app")).toBe("<cm123@koi.example.com>");
  });
});
