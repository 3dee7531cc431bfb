import { describe, expect, it } from "vitest";
import { AppError } from "@koi/core/app-error";
import { MAX_LIVE_STREAMS_PER_MEMBER, takeLiveStreamSlot } from "./live-stream-slots.ts";

describe("takeLiveStreamSlot", () => {
  it("gives a member MAX streams, refuses the next with RATE_LIMITED, and takes one back when released", () => {
    const releases = Array.from({ length: MAX_LIVE_STREAMS_PER_MEMBER }, () => takeLiveStreamSlot("u1"));
    let refused: unknown;
    try {
      takeLiveStreamSlot("u1");
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 60 });
    // Another member is not affected.
    const other = takeLiveStreamSlot("u2");
    // Releasing twice frees one slot, not two.
    releases[0]!();
    releases[0]!();
    const again = takeLiveStreamSlot("u1");
    expect(() => takeLiveStreamSlot("u1")).toThrow(/At most 12 live pages/);
    [again, other, ...releases.slice(1)].forEach((release) => release());
    expect(() => Array.from({ length: MAX_LIVE_STREAMS_PER_MEMBER }, () => takeLiveStreamSlot("u1"))).not.toThrow();
  });
});
