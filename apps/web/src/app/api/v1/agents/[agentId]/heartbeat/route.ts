import { ZHeartbeatRequest, type THeartbeatResponse } from "@koi/contracts/agent/heartbeat";
import { recordHeartbeat } from "@koi/services/agents/record-heartbeat";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

/**
 * A heartbeat is idempotent by nature — running it again only says again that the agent is alive
 * and answers with the current truth — so its Idempotency-Key is accepted but not stored: storing
 * one row per heartbeat (every agent, every interval) would double the hot path's writes and grow
 * without bound.
 */
export const POST = withApiKey(
  async ({ request, key, params }) => {
    const { data } = await parseJsonBody(request, ZHeartbeatRequest);
    const result = await recordHeartbeat(key.orgId, params.agentId!, data);
    const body: THeartbeatResponse = {
      nextHeartbeatSeconds: result.nextHeartbeatSeconds,
      revokedAssignments: result.revokedAssignments,
    };
    return Response.json(body);
  },
  { scope: "engine" },
);
