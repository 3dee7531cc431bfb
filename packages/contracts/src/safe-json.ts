import { z } from "zod";

/** Deepest nesting a request body may have; Koi's own payloads stay under ten levels. */
export const MAX_JSON_DEPTH = 32;

export type TUnsafeJson = { path: string; message: string };

/** Half of a UTF-16 surrogate pair without its other half: JSON allows it, Postgres json refuses it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

/**
 * The first value in a parsed body that Postgres or the planner cannot take safely, or null:
 * a string (or key) holding a NUL character or a lone surrogate (Postgres refuses both: a 500
 * otherwise), a number
 * that is not finite or beyond ±2^53 (integers lose precision, dates overflow), or nesting deeper
 * than MAX_JSON_DEPTH. Schemas add tighter bounds per field; this is the floor under all of them.
 * `text: false` and `numbers: false` skip those checks, for a body whose receiver makes its text
 * storable itself (`toStorableText`) and only stores its numbers.
 */
export function findUnsafeJson(
  value: unknown,
  { text = true, numbers = true }: { text?: boolean; numbers?: boolean } = {},
): TUnsafeJson | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: "", depth: 0 }];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    const at = path || "(body)";
    if (typeof v === "string") {
      if (!text) continue;
      if (v.includes("\u0000")) return { path: at, message: "must not contain a NUL character" };
      if (LONE_SURROGATE.test(v)) return { path: at, message: "must be valid Unicode (a lone surrogate)" };
    } else if (typeof v === "number") {
      if (numbers && (!Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER))
        return { path: at, message: "is out of range (at most ±2^53)" };
    } else if (v !== null && typeof v === "object" && !(v instanceof Date)) {
      if (depth >= MAX_JSON_DEPTH) return { path: at, message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
      for (const [k, child] of Object.entries(v)) {
        if (text && (k.includes("\u0000") || LONE_SURROGATE.test(k)))
          return { path: at, message: "has a key with a NUL character or invalid Unicode" };
        stack.push({ value: child, path: path ? `${path}.${k}` : k, depth: depth + 1 });
      }
    }
  }
  return null;
}

/** The same check as a zod refinement, for schemas that take free-form JSON. */
export const ZSafeJson = z.unknown().superRefine((value, ctx) => {
  const unsafe = findUnsafeJson(value);
  if (unsafe) ctx.addIssue({ code: "custom", message: `${unsafe.path}: ${unsafe.message}` });
});

/**
 * The same JSON with every string and key Postgres can store: a NUL character or half a surrogate
 * pair becomes U+FFFD. For senders whose every event must be taken rather than refused (Orca
 * retries each 4xx forever, so one odd byte in a stderr excerpt would wedge its outbox).
 */
export function toStorableText(value: unknown): unknown {
  if (typeof value === "string") return value.replace(LONE_SURROGATES, "\uFFFD").replaceAll("\u0000", "\uFFFD");
  if (Array.isArray(value)) return value.map(toStorableText);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [toStorableText(k), toStorableText(v)]));
  return value;
}
