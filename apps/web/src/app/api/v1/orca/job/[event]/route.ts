import { ORCA_WEBHOOKS, type TOrcaWebhookPath } from "@koi/contracts/orca/webhooks";
import { ingestOrcaWebhook, orcaWebhookEvents, type TOrcaWebhookEvent } from "@koi/services/agents/ingest-orca-webhook";
import { AppError } from "@koi/core/app-error";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

/**
 * Compatibility ingest for an unmodified Orca: `KOI_SERVICE_URL=https://koi:<engine key>@host/api/v1/orca`.
 * Orca's `requests` turns the URL's userinfo into Basic auth, which withApiKey accepts.
 */
export const POST = withApiKey(
  async ({ request, key, params }) => {
    const event = params.event as TOrcaWebhookEvent;
    if (!orcaWebhookEvents.includes(event)) throw new AppError("NOT_FOUND", `Unknown Orca event ${params.event}.`);
    const { data } = await parseJsonBody(request, ORCA_WEBHOOKS[`/job/${event}` as TOrcaWebhookPath].schema);
    const result = await ingestOrcaWebhook(key.orgId, event, data as Record<string, unknown>);
    return Response.json({ status: result.status, event_id: result.eventId }, { status: result.httpStatus });
  },
  { scope: "engine" },
);
