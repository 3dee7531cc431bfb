import { CLIENT_IP_HEADER } from "@koi/auth/client-ip";
import { describe, expect, it } from "vitest";
import { call, createTenants, handlers, validBodies } from "../../v1/__tests__/api-v1-harness.ts";
import { GET as metrics } from "../route.ts";

async function scrape(ip = "127.0.0.1") {
  const response = await metrics(
    new Request("http://localhost:3000/api/metrics", { headers: { [CLIENT_IP_HEADER]: ip } }),
  );
  return { status: response.status, text: await response.text() };
}

/** The value of one series in the exposition text (0 when the series does not exist yet). */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const HEARTBEAT = '{route="/api/v1/agents/[agentId]/heartbeat",method="POST"';

describe("GET /api/metrics", () => {
  it("counts real /api/v1 requests: by route template and status, key outcomes, heartbeats, latency", async () => {
    const t = await createTenants();
    const before = (await scrape()).text;

    const body = validBodies(t).heartbeat;
    for (let i = 0; i < 3; i++) {
      const ok = await call(handlers.heartbeat, { params: { agentId: t.agentId }, body, key: t.engineA.secret });
      expect(ok.status).toBe(200);
    }
    const noKey = await call(handlers.heartbeat, { params: { agentId: t.agentId }, body, key: null });
    expect(noKey.status).toBe(401);
    const otherTenant = await call(handlers.heartbeat, {
      params: { agentId: t.agentId },
      body,
      key: t.engineB.secret,
      path: `/api/v1/agents/${t.agentId}/heartbeat`,
    });
    expect(otherTenant.status).toBe(404);

    const after = await scrape();
    expect(after.status).toBe(200);
    const delta = (series: string) => sample(after.text, series) - sample(before, series);
    // The harness posts to /api/v1/test unless given a path; the label is the template either way.
    expect(delta(`koi_http_requests_total{route="/api/v1/test",method="POST",status="200"}`)).toBe(3);
    expect(delta(`koi_http_requests_total{route="/api/v1/test",method="POST",status="401"}`)).toBe(1);
    expect(delta(`koi_http_requests_total${HEARTBEAT},status="404"}`)).toBe(1);
    expect(delta(`koi_http_request_duration_seconds_count${HEARTBEAT},status="404"}`)).toBe(1);
    expect(after.text).not.toContain(t.agentId);
    expect(delta('koi_api_key_auth_total{outcome="ok"}')).toBe(4);
    expect(delta('koi_api_key_auth_total{outcome="missing"}')).toBe(1);
    // The first heartbeat brought a new pool list; the next two changed nothing.
    expect(delta('koi_agent_heartbeats_total{inventory="rewritten"}')).toBe(1);
    expect(delta('koi_agent_heartbeats_total{inventory="unchanged"}')).toBe(2);
  });

  it("counts a long-poll while it is held and after it answers", async () => {
    const t = await createTenants();
    const before = (await scrape()).text;
    const path = `/api/v1/agents/${t.agentId}/commands`;
    // The pending command from createTenants answers the first poll at once; the second waits 1 s.
    await call(handlers.commands, { method: "GET", path, params: { agentId: t.agentId }, key: t.engineA.secret });
    const held = call(handlers.commands, {
      method: "GET",
      path: `${path}?wait=1`,
      params: { agentId: t.agentId },
      key: t.engineA.secret,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(sample((await scrape()).text, "koi_long_polls_held")).toBeGreaterThanOrEqual(1);
    expect((await held).status).toBe(200);
    const after = (await scrape()).text;
    expect(
      sample(after, 'koi_long_polls_total{outcome="commands"}') -
        sample(before, 'koi_long_polls_total{outcome="commands"}'),
    ).toBe(1);
    expect(
      sample(after, 'koi_long_polls_total{outcome="empty"}') - sample(before, 'koi_long_polls_total{outcome="empty"}'),
    ).toBe(1);
  });

  it("is not there for a caller on another machine when no token is configured", async () => {
    const remote = await scrape("10.1.2.3");
    expect(remote.status).toBe(404);
    expect(remote.text).not.toContain("koi_");
  });
});
