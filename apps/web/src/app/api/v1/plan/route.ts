import { ZWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { previewPlanView } from "@koi/services/workloads/preview-plan";
import { idempotentPost } from "@/lib/api-v1/idempotent-post";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

// A dry run reads the org's live capacity and writes nothing, so `workloads:read` is enough.
export const POST = withApiKey(
  async ({ request, key }) => {
    const { data, raw } = await parseJsonBody(request, ZWorkloadSubmission);
    return idempotentPost(
      { request, orgId: key.orgId, apiKeyId: key.id, route: "plan.preview", rawBody: raw },
      async () => {
        return { status: 200, body: await previewPlanView(key.orgId, data) };
      },
    );
  },
  { scope: "workloads:read" },
);
