import { ZWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { listWorkloads } from "@koi/services/workloads/list-workloads";
import { submitWorkload } from "@koi/services/workloads/submit-workload";
import { toWorkloadView } from "@koi/services/workloads/to-workload-view";
import { idempotentPost } from "@/lib/api-v1/idempotent-post";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { parseListQuery } from "@/lib/api-v1/parse-list-query";
import { withApiKey } from "@/lib/api-v1/with-api-key";

export const GET = withApiKey(
  async ({ request, key }) => Response.json(await listWorkloads(key.orgId, parseListQuery(new URL(request.url)))),
  { scope: "workloads:read" },
);

export const POST = withApiKey(
  async ({ request, key, log }) => {
    const { data, raw } = await parseJsonBody(request, ZWorkloadSubmission);
    // `koi submit` says who it is, so the audit trail and the dashboard can tell CLI from scripts.
    const via = request.headers.get("user-agent")?.startsWith("koi-cli/") ? "cli" : "api";
    return idempotentPost(
      { request, orgId: key.orgId, apiKeyId: key.id, route: "workloads.submit", rawBody: raw },
      async () => {
        const workload = await submitWorkload({ orgId: key.orgId, actorUserId: null, via, submission: data });
        log.info({ workloadId: workload.id, kind: data.kind, model: data.model, via }, "workload submitted");
        return { status: 201, body: toWorkloadView(workload) };
      },
    );
  },
  { scope: "workloads:write" },
);
