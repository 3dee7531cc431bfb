// Runs in its own process (the load generator must not share the server's event loop or CPU
// accounting): heartbeats rotating over many agents, then prints autocannon's JSON result.
import autocannon from "autocannon";

const { url, key, agentIds, duration, connections } = JSON.parse(process.argv[2]);
const ids = agentIds;
let i = 0;
const run = Date.now();
const body = () =>
  JSON.stringify({
    sentAt: new Date().toISOString(),
    inventory: {
      collectedAt: new Date().toISOString(),
      pools: [
        {
          id: "sim:us-east-1:spot:H100-SXM",
          gpuType: "H100-SXM",
          market: "spot",
          total: 16,
          available: 8,
          quota: 16,
          pricePerGpuHour: 2.5,
        },
      ],
    },
    assignments: [],
    metrics: {
      uptimeSeconds: 100,
      spoolPending: 0,
      spoolOldestAgeSeconds: null,
      engineReachable: true,
      lastEngineError: null,
    },
  });
const result = await autocannon({
  url,
  connections,
  duration,
  requests: [
    {
      method: "POST",
      setupRequest: (req) => {
        const id = ids[i++ % ids.length];
        return {
          ...req,
          path: `/api/v1/agents/${id}/heartbeat`,
          // As koi-agent sends it: a fresh Idempotency-Key on every heartbeat.
          headers: {
            authorization: `Bearer ${key}`,
            "content-type": "application/json",
            "idempotency-key": `heartbeat:${id}:${run}:${i}`,
          },
          body: body(),
        };
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests,
    latency: result.latency,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodeStats: result.statusCodeStats,
    duration: result.duration,
  }),
);
