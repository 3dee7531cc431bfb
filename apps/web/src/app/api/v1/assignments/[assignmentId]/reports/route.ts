import { ZAssignmentReport, type TReportResponse } from "@koi/contracts/agent/reports";
import { recordReport } from "@koi/services/agents/record-report";
import { idempotentPost } from "@/lib/api-v1/idempotent-post";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

export const POST = withApiKey(
  async ({ request, key, params }) => {
    const { data, raw } = await parseJsonBody(request, ZAssignmentReport);
    return idempotentPost({ request, orgId: key.orgId, apiKeyId: key.id, route: "assignments.reports", rawBody: raw }, async () => {
      const body: TReportResponse = await recordReport(key.orgId, params.assignmentId!, data);
      return { status: 200, body };
    });
  },
  { scope: "engine" },
);
