import { findOrgWorkload } from "@/lib/api-v1/find-org-workload";
import { withApiKey } from "@/lib/api-v1/with-api-key";
import { toWorkloadView } from "@/lib/api-v1/workload-view";

export const GET = withApiKey(
  async ({ key, params }) => Response.json(toWorkloadView(await findOrgWorkload(key.orgId, params.workloadId))),
  { scope: "workloads:read" },
);
