import { jobCatalog, jobNames } from "@koi/core/job-catalog";
import { describe, expect, it } from "vitest";
import { catalogQueues, isJobName, jobOptionsFor, queueConcurrency } from "./job-queues.ts";

describe("job queues", () => {
  it("takes attempts and exponential backoff from the catalog and keeps dead letters", () => {
    for (const name of jobNames) {
      const opts = jobOptionsFor(name, `id-${name}`);
      expect(opts).toMatchObject({
        jobId: `id-${name}`,
        attempts: jobCatalog[name].attempts,
        backoff: { type: "exponential", delay: jobCatalog[name].backoffMs },
        removeOnComplete: { age: 86_400 },
        removeOnFail: false,
      });
    }
  });

  it("has one queue per distinct catalog queue, each as parallel as its most parallel job", () => {
    expect(new Set(catalogQueues)).toEqual(new Set(jobNames.map((n) => jobCatalog[n].queue)));
    for (const q of catalogQueues) {
      const max = Math.max(...jobNames.filter((n) => jobCatalog[n].queue === q).map((n) => jobCatalog[n].concurrency));
      expect(queueConcurrency(q)).toBe(max);
    }
    expect(() => queueConcurrency("nope")).toThrow();
  });

  it("recognises catalog job names only", () => {
    expect(isJobName("send-invitation")).toBe(true);
    expect(isJobName("toString")).toBe(false);
    expect(isJobName("send-carrier-pigeon")).toBe(false);
  });
});
