import { describe, expect, it } from "vitest";
import { findGpu } from "./gpus.ts";
import { findInstanceShape, INSTANCE_SHAPES, shapesForGpu, tryFindInstanceShape } from "./instance-shapes.ts";

describe("instance shapes", () => {
  it("knows the common AWS, GCP and Azure GPU machines, each on a catalog GPU with a source", () => {
    for (const id of [
      "g5.12xlarge",
      "g6e.12xlarge",
      "p4de.24xlarge",
      "p5.48xlarge",
      "p5en.48xlarge",
      "a3-highgpu-8g",
      "g2-standard-48",
      "Standard_ND96isr_H100_v5",
    ])
      expect(tryFindInstanceShape(id)?.id).toBe(id);
    for (const s of INSTANCE_SHAPES) {
      expect(findGpu(s.gpuType).id).toBe(s.gpuType);
      expect(s.gpusPerMachine).toBeGreaterThanOrEqual(1);
      expect(s.networkGbps).toBeGreaterThan(0);
      expect(s.source.length).toBeGreaterThan(10);
    }
  });

  it("matches names loosely and suggests the closest for a typo", () => {
    expect(findInstanceShape("G6E 12XLARGE").gpusPerMachine).toBe(4);
    expect(() => findInstanceShape("g6e.12xlarg")).toThrow(/did you mean "g6e.12xlarge"/);
  });

  it("lists a GPU's machines smallest first", () => {
    expect(shapesForGpu("L40S").map((s) => s.gpusPerMachine)).toEqual([1, 4, 8]);
  });
});
