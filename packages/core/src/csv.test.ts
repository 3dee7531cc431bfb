import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./csv.ts";

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\rhere", '"cr\rhere"'],
    [" padded ", '" padded "'],
    ["=1+1", "'=1+1"],
    ["+49 30 1234", "'+49 30 1234"],
    ["-2", "'-2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=cmd", "'\t=cmd"],
    ['=HYPERLINK("http://evil","x")', '"\'=HYPERLINK(""http://evil"",""x"")"'],
    ["", ""],
    ["Ünïcødé 🐟", "Ünïcødé 🐟"],
  ])("%j → %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("writes non-strings plainly and empties for null", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(new Date("2026-01-02T03:04:05.000Z"))).toBe("2026-01-02T03:04:05.000Z");
  });
});

describe("toCsv", () => {
  it("joins a header and rows with CRLF after a BOM", () => {
    expect(
      toCsv(
        ["email", "name"],
        [
          ["a@x.io", "A, B"],
          ["b@x.io", "=cmd"],
        ],
      ),
    ).toBe('\uFEFFemail,name\r\na@x.io,"A, B"\r\nb@x.io,\'=cmd\r\n');
  });
});
