import { ZHeartbeatRequest, type THeartbeatResponse } from "@koi/contracts/agent/heartbeat";
import { recordHeartbeat } from "@koi/services/agents/record-heartbeat";
import { idempotentPost } from "@/lib/api-v1/idempotent-post";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

export const POST = withApiKey(
  async ({ request, key, params }) => {
    const { data, raw } = await parseJsonBody(request, ZHeartbeatRequest);
    return idempotentPost({ request, orgId: key.orgId, route: "agents.heartbeat", rawBody: raw }, async () => {
      const result = await recordHeartbeat(key.orgId, params.agentId!, data);
      const body: THeartbeatResponse = {
        nextHeartbeatSeconds: result.nextHeartbeatSeconds,
        revokedAssignments: result.revokedAssignments,
      };
      return { status: 200, body };
    });
  },
  { scope: "engine" },
);
