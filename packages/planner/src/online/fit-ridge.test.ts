import { describe, expect, it } from "vitest";
import { fitRidge } from "./fit-ridge.ts";

describe("fitRidge", () => {
  it("recovers exact coefficients when the penalties are negligible", () => {
    const rows = [
      [1, 0, 2],
      [1, 1, -1],
      [1, 2, 0.5],
      [1, 3, 4],
      [1, 4, -2],
    ];
    const beta = [0.5, -1.5, 2];
    const y = rows.map((x) => x.reduce((s, v, i) => s + v * beta[i]!, 0));
    const fit = fitRidge(rows, y, [1, 1, 1, 1, 1], [1e-9, 1e-9, 1e-9]);
    fit.forEach((b, i) => expect(b).toBeCloseTo(beta[i]!, 6));
  });

  it("leaves a feature that never occurs at zero instead of failing", () => {
    const rows = [
      [1, 0],
      [1, 0],
      [1, 0],
    ];
    expect(fitRidge(rows, [2, 2, 2], [1, 1, 1], [1e-9, 5])).toEqual([expect.closeTo(2, 6), 0]);
  });

  it("weights: a row with weight 0 has no say", () => {
    const fit = fitRidge([[1], [1]], [1, 100], [1, 0], [1e-9]);
    expect(fit[0]).toBeCloseTo(1, 6);
  });
});
