import { describe, expect, it } from "vitest";
import { createKeyedLock } from "./keyed-lock.ts";

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("createKeyedLock", () => {
  it("runs work for one key one at a time, in order, and other keys alongside", async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    const step = (key: string, name: string, ms: number) =>
      lock(key, async () => {
        log.push(`${name} start`);
        await later(ms);
        log.push(`${name} end`);
        return name;
      });
    const results = await Promise.all([step("a", "a1", 30), step("a", "a2", 1), step("b", "b1", 5)]);
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("a1 end")).toBeLessThan(log.indexOf("a2 start"));
    expect(log.indexOf("b1 end")).toBeLessThan(log.indexOf("a1 end"));
  });

  it("a failure reaches its caller and does not block the next", async () => {
    const lock = createKeyedLock();
    await expect(lock("a", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await lock("a", async () => "next")).toBe("next");
  });
});
