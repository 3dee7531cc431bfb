import { describe, expect, it } from "vitest";
import { replaceSubsection } from "./replace-subsection.ts";

const END = "<!-- END -->";
const doc = [
  "# Doc",
  "",
  "### A",
  "",
  "old a",
  "",
  "#### A detail",
  "",
  "x",
  "",
  "### B",
  "",
  "old b",
  "",
  END,
  "tail",
].join("\n");

describe("replaceSubsection", () => {
  it("replaces a subsection up to the next heading of its level, deeper headings included", () => {
    const out = replaceSubsection(doc, "### A\n\nnew a\n", END);
    expect(out).toBe(["# Doc", "", "### A", "", "new a", "", "### B", "", "old b", "", END, "tail"].join("\n"));
  });

  it("replaces the last subsection up to the end marker and keeps what follows", () => {
    const out = replaceSubsection(doc, "### B\n\nnew b", END);
    expect(out.endsWith(["### B", "", "new b", "", END, "tail"].join("\n"))).toBe(true);
    expect(out).toContain("old a");
  });

  it("throws when the heading is missing instead of appending", () => {
    expect(() => replaceSubsection(doc, "### C\n\nc", END)).toThrow(/no subsection "### C"/);
  });

  it("does not match a heading that only starts the same way", () => {
    expect(() => replaceSubsection("### Ab\n\nx\n", "### A\n\ny", END)).toThrow();
  });
});
