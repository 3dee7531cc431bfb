import { ZEventsRequest, type TEventsResponse } from "@koi/contracts/agent/events";
import { recordEngineEvents } from "@koi/services/agents/record-engine-events";
import { idempotentPost } from "@/lib/api-v1/idempotent-post";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

export const POST = withApiKey(
  async ({ request, key, params }) => {
    const { data, raw } = await parseJsonBody(request, ZEventsRequest, { maxBytes: 1024 * 1024 });
    return idempotentPost(
      { request, orgId: key.orgId, apiKeyId: key.id, route: "agents.events", rawBody: raw },
      async () => {
        const body: TEventsResponse = await recordEngineEvents(key.orgId, params.agentId!, data.events);
        return { status: 200, body };
      },
    );
  },
  { scope: "engine" },
);
