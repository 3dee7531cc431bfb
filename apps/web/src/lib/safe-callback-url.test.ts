import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./safe-callback-url.ts";

describe("safeCallbackUrl", () => {
  it.each([
    ["/o/acme/settings/members", "/o/acme/settings/members"],
    ["/invite/accept?token=abc_-1", "/invite/accept?token=abc_-1"],
    ["/", "/"],
  ])("keeps the local path %s", (raw, expected) => {
    expect(safeCallbackUrl(raw)).toBe(expected);
  });

  it.each([
    ["an absolute URL", "https://evil.test/x"],
    ["a protocol-relative URL", "//evil.test/x"],
    ["a backslash trick", "/\\evil.test"],
    ["a tab trick", "/\t/evil.test"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a relative path", "dashboard"],
    ["nothing", undefined],
    ["an array", ["/a"]],
    // The URL parser folds dot segments, which can turn a local path into a protocol-relative one.
    ["a dot segment before //", "/.//evil.test"],
    ["a parent segment before //", "/x/..//evil.test"],
    ["an encoded dot segment before //", "/%2e//evil.test"],
    ["a parent segment into a backslash-free //", "/a/b/../..//evil.test/path"],
  ])("falls back for %s", (_label, raw) => {
    expect(safeCallbackUrl(raw)).toBe("/dashboard");
  });
});
