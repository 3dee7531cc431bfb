import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createEventQueue } from "./event-queue.ts";

describe("createEventQueue", () => {
  it("pops in time order, ties in insertion order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = createEventQueue<number>();
        times.forEach((t, i) => q.push(t, i));
        const out: [number, number][] = [];
        for (let e = q.pop(); e; e = q.pop()) out.push([e.time, e.event]);
        const expected = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        return JSON.stringify(out) === JSON.stringify(expected) && q.size() === 0;
      }),
    );
  });
  it("peeks without removing", () => {
    const q = createEventQueue<string>();
    q.push(5, "b");
    q.push(2, "a");
    expect(q.peekTime()).toBe(2);
    expect(q.size()).toBe(2);
  });
});
