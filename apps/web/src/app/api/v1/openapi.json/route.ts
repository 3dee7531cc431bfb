export const dynamic = "force-dynamic";

import { buildOpenApiDocument } from "@koi/contracts";
import { env } from "@koi/core/env";

export function GET() {
  return Response.json(buildOpenApiDocument({ serverUrl: env().APP_URL }), {
    headers: { "cache-control": "public, max-age=300" },
  });
}
