import { describe, expect, it } from "vitest";
import { splitTraceparent, withTraceparent } from "./job-trace.ts";

const TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

describe("trace context in job data", () => {
  it("rides beside the payload and comes off before validation", () => {
    const data = withTraceparent({ workloadId: "wl_1" }, TP);
    expect(data).toEqual({ workloadId: "wl_1", traceparent: TP });
    expect(splitTraceparent(data)).toEqual({ payload: { workloadId: "wl_1" }, traceparent: TP });
  });

  it("leaves the payload untouched when tracing is off or the data is not an object", () => {
    expect(withTraceparent({ workloadId: "wl_1" }, null)).toEqual({ workloadId: "wl_1" });
    expect(splitTraceparent({ workloadId: "wl_1" })).toEqual({ payload: { workloadId: "wl_1" }, traceparent: null });
    expect(splitTraceparent(null)).toEqual({ payload: null, traceparent: null });
    expect(splitTraceparent([1])).toEqual({ payload: [1], traceparent: null });
  });

  it("drops a traceparent that is not a string instead of failing the job", () => {
    expect(splitTraceparent({ workloadId: "wl_1", traceparent: 7 })).toEqual({
      payload: { workloadId: "wl_1" },
      traceparent: null,
    });
  });
});
