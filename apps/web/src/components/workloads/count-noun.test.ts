import { describe, expect, it } from "vitest";
import { countNoun } from "./count-noun.ts";

describe("countNoun", () => {
  it.each([
    [1, "GPU", "1 GPU"],
    [8, "GPU", "8 GPUs"],
    [0, "alternative", "0 alternatives"],
    [1, "alternative", "1 alternative"],
    [1200, "request", "1,200 requests"],
  ])("%i %s → %s", (count, noun, expected) => {
    expect(countNoun(count, noun)).toBe(expected);
  });

  it("takes an irregular plural", () => {
    expect(countNoun(2, "child", "children")).toBe("2 children");
  });
});
