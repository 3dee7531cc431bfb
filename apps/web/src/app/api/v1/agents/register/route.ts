import { ZRegisterRequest, type TRegisterResponse } from "@koi/contracts/agent/register";
import { registerAgent } from "@koi/services/agents/register-agent";
import { idempotentPost } from "@/lib/api-v1/idempotent-post";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

export const POST = withApiKey(
  async ({ request, key }) => {
    const { data, raw } = await parseJsonBody(request, ZRegisterRequest);
    return idempotentPost(
      { request, orgId: key.orgId, apiKeyId: key.id, route: "agents.register", rawBody: raw },
      async () => {
        const body: TRegisterResponse = await registerAgent(key.orgId, key.id, data);
        return { status: 200, body };
      },
    );
  },
  { scope: "engine" },
);
