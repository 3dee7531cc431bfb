import { describe, expect, it } from "vitest";
import { eraseBlock, rowsTaken } from "./redraw-in-place.ts";

describe("redraw in place", () => {
  it.each([
    [["abc", "de"], 80, 2],
    [["x".repeat(80)], 80, 1],
    [["x".repeat(81)], 80, 2],
    [["", "█".repeat(30)], 10, 4],
    [[], 80, 0],
  ])("rowsTaken(%j, %i) = %i", (lines, columns, rows) => expect(rowsTaken(lines, columns)).toBe(rows));

  it("moves up over the previous block and erases to the end of the screen", () => {
    expect(eraseBlock(["a", "b", "c"], 80)).toBe("\x1b[3A\r\x1b[0J");
    expect(eraseBlock([], 80)).toBe("");
  });
});
