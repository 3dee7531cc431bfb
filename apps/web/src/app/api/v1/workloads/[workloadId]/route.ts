import { findOrgWorkload } from "@koi/services/workloads/find-org-workload";
import { toWorkloadView } from "@koi/services/workloads/to-workload-view";
import { withApiKey } from "@/lib/api-v1/with-api-key";

export const GET = withApiKey(
  async ({ key, params }) => Response.json(toWorkloadView(await findOrgWorkload(key.orgId, params.workloadId))),
  { scope: "workloads:read" },
);
