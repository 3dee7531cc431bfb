import { describe, expect, it } from "vitest";
import { isRetryRequest } from "./queue-console-request.ts";

describe("isRetryRequest", () => {
  it.each([
    ["PUT", "/admin/queues/api/queues/email/123/retry", true],
    ["PUT", "/admin/queues/api/queues/workloads/retry/failed", true],
    ["GET", "/admin/queues/api/queues/email/123/retry", false],
    ["PUT", "/admin/queues/api/queues/email/retry/completed", false],
    ["PUT", "/admin/queues/api/queues/email/clean/failed", false],
    ["PUT", "/admin/queues/api/queues/email/123/clean", false],
    ["PUT", "/admin/queues/api/queues/email/123/promote", false],
    ["PUT", "/admin/queues/api/queues/email/pause", false],
    ["PUT", "/admin/queues/api/queues/email/empty", false],
    ["POST", "/admin/queues/api/queues/email/add", false],
    ["PUT", "/admin/queues/api/queues/email/123/retry/../../obliterate", false],
  ])("%s %s → %s", (method, path, expected) => {
    expect(isRetryRequest(method, path)).toBe(expected);
  });
});
