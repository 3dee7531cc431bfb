import { describe, expect, it } from "vitest";
import { studentTQuantile } from "./student-t.ts";

const Z90 = 1.2815515655446004;

describe("studentTQuantile", () => {
  // Published P90 of Student's t (one-sided 0.10): df 1, 2, 5, 10, 30.
  it.each([
    [1, 3.078, 0.04],
    [2, 1.886, 0.004],
    [5, 1.476, 0.001],
    [10, 1.372, 0.001],
    [30, 1.31, 0.001],
  ])("matches the t table at df %i", (df, table, tolerance) => {
    expect(Math.abs(studentTQuantile(Z90, df) / table - 1)).toBeLessThan(tolerance);
  });

  it("tends to the normal quantile as the degrees of freedom grow", () => {
    expect(studentTQuantile(Z90, 1e6)).toBeCloseTo(Z90, 5);
  });
});
