import { describe, expect, it } from "vitest";
import { submittedViaLabel } from "./submitted-via";

describe("submittedViaLabel", () => {
  it.each([
    ["ui", "the dashboard"],
    ["api", "the API"],
    ["cli", "the CLI"],
    ["something-new", "something-new"],
  ])("%s → %s", (via, label) => expect(submittedViaLabel(via)).toBe(label));
});
