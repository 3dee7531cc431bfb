import { ZAckRequest, type TAckResponse } from "@koi/contracts/agent/ack";
import { ackCommand } from "@koi/services/agents/ack-command";
import { idempotentPost } from "@/lib/api-v1/idempotent-post";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

export const POST = withApiKey(
  async ({ request, key, params }) => {
    const { data, raw } = await parseJsonBody(request, ZAckRequest);
    return idempotentPost(
      { request, orgId: key.orgId, apiKeyId: key.id, route: "commands.ack", rawBody: raw },
      async () => {
        const result = await ackCommand(key.orgId, params.agentId!, params.commandId!, data);
        const body: TAckResponse = { commandId: result.commandId, status: data.status, duplicate: result.duplicate };
        return { status: 200, body };
      },
    );
  },
  { scope: "engine" },
);
