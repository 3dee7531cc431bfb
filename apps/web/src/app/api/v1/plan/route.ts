import { ZWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { ZPlanView } from "@koi/contracts/workloads/workloads-api";
import { previewPlan } from "@koi/services/workloads/preview-plan";
import { idempotentPost } from "@/lib/api-v1/idempotent-post";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

// A dry run reads the org's live capacity and writes nothing, so `workloads:read` is enough.
export const POST = withApiKey(
  async ({ request, key }) => {
    const { data, raw } = await parseJsonBody(request, ZWorkloadSubmission);
    return idempotentPost({ request, orgId: key.orgId, route: "plan.preview", rawBody: raw }, async () => {
      const { plan } = await previewPlan(key.orgId, data);
      return { status: 200, body: ZPlanView.parse(plan) };
    });
  },
  { scope: "workloads:read" },
);
