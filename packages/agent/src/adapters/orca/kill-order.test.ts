import { describe, expect, it } from "vitest";
import { killOrder } from "./orca-adapter.ts";

describe("killOrder", () => {
  it("removes launching replicas first, then the newest serving ones, counting versions as numbers", () => {
    const live = [
      { replica_id: "mo-x-a3f7-r0", phase: "running" },
      { replica_id: "mo-x-a3f7-v9-r0", phase: "running" },
      { replica_id: "mo-x-a3f7-v10-r0", phase: "running" },
      { replica_id: "mo-x-a3f7-v10-r1", phase: "launching" },
      { replica_id: "mo-x-a3f7-r1", phase: "running" },
    ];
    expect(killOrder(live).map((r) => r.replica_id)).toEqual([
      "mo-x-a3f7-v10-r1",
      "mo-x-a3f7-v10-r0",
      "mo-x-a3f7-v9-r0",
      "mo-x-a3f7-r1",
      "mo-x-a3f7-r0",
    ]);
  });
});
