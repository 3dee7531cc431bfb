import { z } from "zod";
import { AppError } from "@koi/core/app-error";
import { ORCA_EVENT_NAME, receiveOrcaWebhook } from "@koi/services/agents/ingest-orca-webhook";
import { parseJsonBody } from "@/lib/api-v1/parse-json-body";
import { withApiKey } from "@/lib/api-v1/with-api-key";

/**
 * Compatibility ingest for an unmodified Orca: `KOI_SERVICE_URL=https://koi:<engine key>@host/api/v1/orca`.
 * Orca's `requests` turns the URL's userinfo into Basic auth, which withApiKey accepts. Any
 * well-formed JSON is answered 2xx (receiveOrcaWebhook says why): Orca retries the rest forever.
 */
export const POST = withApiKey(
  async ({ request, key, params, log }) => {
    if (!ORCA_EVENT_NAME.test(params.event ?? ""))
      throw new AppError("NOT_FOUND", `Unknown Orca event ${params.event}.`);
    const { data } = await parseJsonBody(request, z.unknown(), { anyJson: true });
    const result = await receiveOrcaWebhook(key, params.event!, data, log);
    return Response.json({ status: result.status, event_id: result.eventId }, { status: result.httpStatus });
  },
  { scope: "engine" },
);
