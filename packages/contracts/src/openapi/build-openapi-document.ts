import { z } from "zod";
import { contractDescriptions, contractRegistry } from "../registry.ts";
import { ORCA_WEBHOOKS } from "../orca/webhooks.ts";
import { COMMAND_TYPES } from "../agent/commands.ts";
import { AGENT_PROTOCOL_PATHS, ORCA_INGEST_PREFIX } from "./paths.ts";
// Side-effect imports: each module registers its schemas in contractRegistry.
import "../agent/register.ts";
import "../agent/heartbeat.ts";
import "../agent/ack.ts";
import "../agent/reports.ts";
import "../agent/events.ts";
import "../agent/errors.ts";
import "../orca/batched-request.ts";
import "../orca/rest.ts";
import "../orca/ingest.ts";
import "../tuna/router.ts";
import "../workloads/workloads.ts";
import "../workloads/workloads-api.ts";
import { workloadOpenApiPaths } from "./workload-openapi-paths.ts";

type TJson = Record<string, unknown>;
export type TOpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, TJson>>;
  components: {
    schemas: Record<string, TJson>;
    securitySchemes: Record<string, TJson>;
    parameters: Record<string, TJson>;
    responses: Record<string, TJson>;
  };
  security: Record<string, string[]>[];
};

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ "application/json": { schema: ref(id) } });
// Reference renderers show response descriptions as plain text: no Markdown in them.
const error = (description: string) => ({ description, content: json("ErrorBody") });

/** Error responses every agent call can produce. */
const COMMON_ERRORS = {
  "400": error("Invalid body or parameters; the error's issues name each bad field."),
  "401": error("Missing, malformed, revoked or expired API key."),
  "403": error("The key lacks the engine scope."),
  "413": error("Body too large."),
  "429": { $ref: "#/components/responses/RateLimited" },
  "503": { $ref: "#/components/responses/Unavailable" },
};

function pathParam(name: string, description: string): TJson {
  return { name, in: "path", required: true, description, schema: { type: "string", minLength: 1, maxLength: 128 } };
}

function post(
  operationId: string,
  summary: string,
  request: string,
  response: string,
  extra: Record<string, TJson> = {},
  params: TJson[] = [],
): TJson {
  return {
    operationId,
    summary,
    tags: ["agent"],
    parameters: [...params, { $ref: "#/components/parameters/IdempotencyKey" }],
    requestBody: { required: true, content: json(request) },
    responses: { "200": { description: "OK", content: json(response) }, ...COMMON_ERRORS, ...extra },
  };
}

function commandSchemaId(type: string): string {
  return `${type
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")}Command`;
}

function componentSchemas(): Record<string, TJson> {
  const { schemas } = z.toJSONSchema(contractRegistry, {
    uri: (id) => `#/components/schemas/${id}`,
    target: "draft-2020-12",
    unrepresentable: "any",
  });
  const out: Record<string, TJson> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // OpenAPI 3.1 components use the document's dialect; per-schema $schema/$id would only confuse tools.
    const { $schema: _schema, $id: _id, ...rest } = schema as TJson;
    const description = contractDescriptions.get(id);
    out[id] = description ? { description, ...rest } : rest;
  }
  const command = out.Command;
  if (command) {
    // Lets generated clients pick the variant without trying each one.
    const mapping = Object.fromEntries(
      COMMAND_TYPES.map((type) => [type, `#/components/schemas/${commandSchemaId(type)}`]),
    );
    out.Command = { ...command, discriminator: { propertyName: "type", mapping } };
  }
  return out;
}

function orcaIngestPaths(): Record<string, Record<string, TJson>> {
  const paths: Record<string, Record<string, TJson>> = {};
  for (const [path, { eventType, schema }] of Object.entries(ORCA_WEBHOOKS)) {
    const id = contractRegistry.get(schema)?.id;
    const body = id ? ref(id) : { oneOf: [ref("OrcaJobStartedChunked"), ref("OrcaJobStartedLegacy")] };
    paths[`${ORCA_INGEST_PREFIX}${path}`] = {
      post: {
        operationId: `orcaIngest_${eventType}`,
        summary: `Orca webhook ${path} (unmodified Orca, KOI_SERVICE_URL=<koi>${ORCA_INGEST_PREFIX})`,
        description:
          "Deduplicated by the envelope event_id (or a hash of the payload when Orca's outbox is disabled). Unknown fields are accepted. Answer 2xx to stop Orca's retries.",
        tags: ["orca-compat"],
        security: [{ basicAuth: [] }, { bearerAuth: [] }],
        requestBody: { required: true, content: { "application/json": { schema: body } } },
        responses: {
          "200": { description: "Recorded or duplicate", content: json("OrcaIngestResponse") },
          ...COMMON_ERRORS,
        },
      },
    };
  }
  return paths;
}

/** The OpenAPI 3.1 document of agent protocol v1, generated from the zod contracts. */
export function buildOpenApiDocument(options: { serverUrl?: string } = {}): TOpenApiDocument {
  const P = AGENT_PROTOCOL_PATHS;
  const agentId = pathParam("agentId", "Agent id from register.");
  return {
    openapi: "3.1.0",
    info: {
      title: "Koi API",
      version: "1.0.0",
      description:
        "Customers submit, list, cancel and dry-run workloads (tag `workloads`, keys with the workloads:read / workloads:write scopes); customer-side agents (koi-agent) register, heartbeat, long-poll commands, ack them and send reports and lifecycle events (tag `agent`, the engine scope). Every POST honours Idempotency-Key; errors are `{error:{code,message,requestId}}`.",
    },
    servers: [{ url: options.serverUrl ?? "https://koi.example.com" }],
    tags: [
      {
        name: "workloads",
        description:
          "Submit, list, get and cancel workloads; dry-run plans. Keys with `workloads:read` / `workloads:write`.",
      },
      { name: "agent", description: "Agent protocol v1 for koi-agent. Keys with `engine`." },
      { name: "orca-compat", description: "Unmodified Orca webhooks." },
    ],
    security: [{ bearerAuth: [] }],
    paths: {
      [P.register]: {
        post: post(
          "registerAgent",
          "Register an agent (idempotent by instanceId)",
          "RegisterRequest",
          "RegisterResponse",
        ),
      },
      [P.heartbeat]: {
        post: post(
          "heartbeat",
          "Inventory, running assignments and agent health",
          "HeartbeatRequest",
          "HeartbeatResponse",
          { "404": error("Unknown agent: register again.") },
          [agentId],
        ),
      },
      [P.commands]: {
        get: {
          operationId: "pollCommands",
          summary: "Long-poll for leased commands",
          tags: ["agent"],
          parameters: [
            agentId,
            {
              name: "wait",
              in: "query",
              required: false,
              description: "Seconds to hold the request open when nothing is queued.",
              schema: { type: "integer", minimum: 0, maximum: 60 },
            },
          ],
          responses: {
            "200": { description: "Leased commands (possibly none)", content: json("CommandsResponse") },
            "404": error("Unknown agent: register again."),
            ...COMMON_ERRORS,
          },
        },
      },
      [P.ack]: {
        post: post(
          "ackCommand",
          "Acknowledge a command",
          "AckRequest",
          "AckResponse",
          { "404": error("Unknown command."), "409": error("Stale epoch.") },
          [agentId, pathParam("commandId", "Command id.")],
        ),
      },
      [P.reports]: {
        post: post(
          "reportAssignment",
          "Progress, metrics and cumulative usage; idempotent by (assignment, epoch, seq). Usage that cannot be true is not billed and is named in `usageRefused`",
          "AssignmentReport",
          "ReportResponse",
          {
            "404": error("Unknown assignment."),
            "409": error("Stale epoch: the assignment moved on; drop the report."),
          },
          [pathParam("assignmentId", "Assignment id.")],
        ),
      },
      [P.events]: {
        post: post(
          "postEvents",
          "Lifecycle events, deduplicated by eventId",
          "EventsRequest",
          "EventsResponse",
          { "404": error("Unknown agent.") },
          [agentId],
        ),
      },
      ...orcaIngestPaths(),
      ...workloadOpenApiPaths(),
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "Koi API key (`koi_live_…`) with the engine scope.",
        },
        basicAuth: {
          type: "http",
          scheme: "basic",
          description: "The API key as password, for webhook senders that can only put credentials in a URL (Orca).",
        },
      },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: true,
          description: "Stable across retries of the same logical request.",
          schema: { type: "string", minLength: 8, maxLength: 255 },
        },
      },
      responses: {
        RateLimited: {
          description: "Too many requests",
          headers: { "Retry-After": { schema: { type: "integer", minimum: 0 } } },
          content: json("ErrorBody"),
        },
        Unavailable: {
          description: "Temporarily unavailable",
          headers: { "Retry-After": { schema: { type: "integer", minimum: 0 } } },
          content: json("ErrorBody"),
        },
      },
    },
  };
}
