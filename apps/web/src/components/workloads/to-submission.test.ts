import { describe, expect, it } from "vitest";
import { DEFAULT_FORM_VALUES, toSubmission } from "./to-submission";

describe("toSubmission", () => {
  it("builds a batch submission with only the batch fields", () => {
    const r = toSubmission({ ...DEFAULT_FORM_VALUES, name: "  eval  ", budgetUsd: 40 });
    expect(r).toEqual({
      ok: true,
      submission: {
        kind: "batch",
        model: "meta-llama/Llama-3.1-8B",
        avgInputTokens: 512,
        avgOutputTokens: 256,
        priority: "normal",
        name: "eval",
        budgetUsd: 40,
        requests: 10_000,
        deadlineHours: 4,
      },
    });
  });

  it("passes the batch input file through, trimmed", () => {
    const r = toSubmission({ ...DEFAULT_FORM_VALUES, inputUri: " s3://b/prompts.jsonl " });
    expect(r.ok && r.submission).toMatchObject({ kind: "batch", input: { uri: "s3://b/prompts.jsonl" } });
  });

  it("builds an online submission and keeps a market restriction", () => {
    const r = toSubmission({ ...DEFAULT_FORM_VALUES, kind: "online", allowedMarkets: ["spot", "serverless"] });
    expect(r.ok && r.submission).toMatchObject({
      kind: "online",
      requestsPerSecond: 5,
      ttftP95Ms: 500,
      tpotP95Ms: 50,
      allowedMarkets: ["spot", "serverless"],
    });
    expect(r.ok && "requests" in r.submission).toBe(false);
  });

  it("sends allowDisaggregation only when the box is ticked", () => {
    const on = toSubmission({ ...DEFAULT_FORM_VALUES, kind: "online", allowDisaggregation: true });
    expect(on.ok && on.submission).toMatchObject({ kind: "online", allowDisaggregation: true });
    const off = toSubmission({ ...DEFAULT_FORM_VALUES, kind: "online" });
    expect(off.ok && "allowDisaggregation" in off.submission).toBe(false);
  });

  it("names the field that is wrong", () => {
    const r = toSubmission({ ...DEFAULT_FORM_VALUES, requests: Number.NaN, deadlineHours: -1, allowedMarkets: [] });
    expect(r.ok).toBe(false);
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(["allowedMarkets", "deadlineHours", "requests"]);
    expect(!r.ok && r.errors.requests).toBe("Enter a number");
  });

  it("says a number's bounds in words beside its field, not in the API's field names", () => {
    const r = toSubmission({
      ...DEFAULT_FORM_VALUES,
      avgOutputTokens: 0,
      budgetUsd: 0,
      deadlineHours: 1e6,
      requests: 2.5,
    });
    expect(!r.ok && r.errors).toEqual({
      avgOutputTokens: "Must be more than 0",
      budgetUsd: "Must be more than 0",
      deadlineHours: "Must be at most 8,760",
      requests: "Enter a whole number",
    });
  });
});
