import { ZCancelWorkloadRequest } from "@koi/contracts/workloads/workloads-api";
import { cancelWorkload } from "@koi/services/workloads/cancel-workload";
import { findOrgWorkload } from "@koi/services/workloads/find-org-workload";
import { toWorkloadView } from "@koi/services/workloads/to-workload-view";
import { idempotentPost } from "@/lib/api-v1/idempotent-post";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

export const POST = withApiKey(
  async ({ request, key, params, log }) => {
    const { raw } = await parseJsonBody(request, ZCancelWorkloadRequest, { maxBytes: 1024 });
    const workload = await findOrgWorkload(key.orgId, params.workloadId);
    return idempotentPost(
      { request, orgId: key.orgId, apiKeyId: key.id, route: "workloads.cancel", rawBody: raw },
      async () => {
        const cancelled = await cancelWorkload(key.orgId, workload.id, null);
        log.info({ workloadId: workload.id }, "workload cancelled");
        return { status: 200, body: toWorkloadView(cancelled) };
      },
    );
  },
  { scope: "workloads:write" },
);
