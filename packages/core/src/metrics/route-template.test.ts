import { describe, expect, it } from "vitest";
import { routeTemplate } from "./route-template.ts";

describe("routeTemplate", () => {
  it.each([
    ["/api/v1/agents/agt_1/heartbeat", { agentId: "agt_1" }, "/api/v1/agents/[agentId]/heartbeat"],
    [
      "/api/v1/agents/a1/commands/c9/ack",
      { agentId: "a1", commandId: "c9" },
      "/api/v1/agents/[agentId]/commands/[commandId]/ack",
    ],
    ["/api/v1/workloads", {}, "/api/v1/workloads"],
    ["/api/v1/orca/job/started", { event: "started" }, "/api/v1/orca/job/[event]"],
    ["/api/v1/workloads/wl%20x", { workloadId: "wl x" }, "/api/v1/workloads/[workloadId]"],
    ["/docs/a/b", { slug: ["a", "b"] }, "/docs/[slug]/[slug]"],
  ])("%s → %s", (path, params, expected) => {
    expect(routeTemplate(path, params)).toBe(expected);
  });
});
