import { ZCancelWorkloadRequest } from "@koi/contracts/workloads/workloads-api";
import { cancelWorkload } from "@koi/services/workloads/cancel-workload";
import { findOrgWorkload } from "@/lib/api-v1/find-org-workload";
import { idempotentPost } from "@/lib/api-v1/idempotent-post";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";
import { toWorkloadView } from "@/lib/api-v1/workload-view";

export const POST = withApiKey(
  async ({ request, key, params, log }) => {
    const { raw } = await parseJsonBody(request, ZCancelWorkloadRequest, 1024);
    const workload = await findOrgWorkload(key.orgId, params.workloadId);
    return idempotentPost(
      { request, orgId: key.orgId, route: `workloads.cancel.${workload.id}`, rawBody: raw },
      async () => {
        await cancelWorkload(key.orgId, workload.id, null);
        log.info({ workloadId: workload.id }, "workload cancelled");
        return { status: 200, body: toWorkloadView(await findOrgWorkload(key.orgId, workload.id)) };
      },
    );
  },
  { scope: "workloads:write" },
);
