import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findUnsafeJson, MAX_JSON_DEPTH, toStorableText } from "./safe-json.ts";

const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });

describe("findUnsafeJson", () => {
  it("names NUL characters in values and keys, with the path", () => {
    expect(findUnsafeJson({ events: [{ detail: "a\u0000b" }] })).toEqual({
      path: "events.0.detail",
      message: "must not contain a NUL character",
    });
    expect(findUnsafeJson({ ["k\u0000"]: 1 })?.message).toMatch(/key/);
  });

  it("refuses lone surrogates (Postgres json cannot store them) and keeps proper pairs", () => {
    expect(findUnsafeJson({ detail: "a\ud800b" })?.message).toMatch(/Unicode/);
    expect(findUnsafeJson({ detail: "\udc00" })?.message).toMatch(/Unicode/);
    expect(findUnsafeJson({ detail: "emoji 🐟 ok" })).toBeNull();
  });

  it("refuses numbers beyond ±2^53 and non-finite ones", () => {
    expect(findUnsafeJson({ deadlineHours: 1e308 })?.path).toBe("deadlineHours");
    expect(findUnsafeJson({ n: 2 ** 53 })).not.toBeNull();
    expect(findUnsafeJson({ n: -(2 ** 53) })).not.toBeNull();
    expect(findUnsafeJson({ n: Number.MAX_SAFE_INTEGER, m: 0.5 })).toBeNull();
  });

  it(`allows ${MAX_JSON_DEPTH} levels of nesting and no more`, () => {
    expect(findUnsafeJson(nest(MAX_JSON_DEPTH))).toBeNull();
    expect(findUnsafeJson(nest(MAX_JSON_DEPTH + 1))?.message).toMatch(/deeper/);
  });

  it("finds a NUL wherever a generated body hides it", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.string(), fc.string(), (json, before, after) => {
        const poisoned = { wrapper: [json, `${before}\u0000${after}`] };
        expect(findUnsafeJson(poisoned)).not.toBeNull();
      }),
    );
  });

  it("skips the number checks when asked, never the text or the nesting", () => {
    expect(findUnsafeJson({ n: 1e308, m: Infinity }, { numbers: false })).toBeNull();
    expect(findUnsafeJson({ n: 1e308, detail: "a\u0000b" }, { numbers: false })?.path).toBe("detail");
    expect(findUnsafeJson(nest(MAX_JSON_DEPTH + 1), { numbers: false })?.message).toMatch(/deeper/);
  });
});

describe("toStorableText", () => {
  it("writes U+FFFD for NUL characters and half surrogate pairs, in values and keys, and keeps the rest", () => {
    expect(
      toStorableText({ ["k\u0000"]: ["a\u0000b", "x\ud800y", "\udc00", "🐟", 1.5, null, true], n: { d: "\ud83d" } }),
    ).toEqual({ ["k\ufffd"]: ["a\ufffdb", "x\ufffdy", "\ufffd", "🐟", 1.5, null, true], n: { d: "\ufffd" } });
  });

  it("leaves nothing findUnsafeJson refuses as text, and changes clean JSON not at all", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.string({ unit: "binary" }), (json, odd) => {
        expect(findUnsafeJson(toStorableText({ json, [odd]: odd }), { numbers: false })).toBeNull();
        expect(toStorableText(json)).toEqual(findUnsafeJson(json, { numbers: false }) ? expect.anything() : json);
      }),
    );
  });
});
