import { ZWorkloadStatus } from "../workloads/workloads.ts";
import { WORKLOAD_API_PATHS } from "./workload-paths.ts";

type TJson = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ "application/json": { schema: ref(id) } });
const error = (description: string) => ({ description, content: json("ErrorBody") });

function errors(scope: string): Record<string, TJson> {
  return {
    "400": error("Invalid body or parameters; the error's issues name each bad field."),
    "401": error("Missing, malformed, revoked or expired API key."),
    "403": error(`The key lacks the ${scope} scope.`),
    "429": { $ref: "#/components/responses/RateLimited" },
  };
}

const workloadId = {
  name: "workloadId",
  in: "path",
  required: true,
  description: "Workload id.",
  schema: { type: "string", minLength: 1, maxLength: 128 },
};
const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "Retries with the same key and body replay the first answer; the same key with another body is 409.",
  schema: { type: "string", minLength: 1, maxLength: 200 },
};
const notFound = { "404": error("No such workload in this organisation.") };

/** Paths of the customer workload API (tag `workloads`). */
export function workloadOpenApiPaths(): Record<string, Record<string, TJson>> {
  const P = WORKLOAD_API_PATHS;
  const tags = ["workloads"];
  return {
    [P.workloads]: {
      get: {
        operationId: "listWorkloads",
        summary: "List workloads, newest first",
        tags,
        parameters: [
          {
            name: "status",
            in: "query",
            required: false,
            description: "Only these statuses (comma-separated or repeated).",
            schema: { type: "array", items: { type: "string", enum: ZWorkloadStatus.options } },
            style: "form",
            explode: true,
          },
          {
            name: "kind",
            in: "query",
            required: false,
            description: "Only batch or only online workloads.",
            schema: { type: "string", enum: ["batch", "online"] },
          },
          {
            name: "limit",
            in: "query",
            required: false,
            description: "Page size.",
            schema: { type: "integer", minimum: 1, maximum: 100, default: 20 },
          },
          {
            name: "cursor",
            in: "query",
            required: false,
            description: "`nextCursor` of the previous page.",
            schema: { type: "string", maxLength: 200 },
          },
        ],
        responses: {
          "200": { description: "A page of workloads", content: json("WorkloadList") },
          ...errors("workloads:read"),
        },
      },
      post: {
        operationId: "submitWorkload",
        summary: "Submit a workload; Koi plans, dispatches and watches it",
        tags,
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json("WorkloadSubmission") },
        responses: {
          "201": { description: "Accepted (status PENDING)", content: json("Workload") },
          "409": error("Idempotency-Key reused with another body."),
          "413": error("Body too large."),
          ...errors("workloads:write"),
        },
      },
    },
    [P.workload]: {
      get: {
        operationId: "getWorkload",
        summary: "One workload: status, health, progress, cost and the latest forecast",
        tags,
        parameters: [workloadId],
        responses: {
          "200": { description: "The workload", content: json("Workload") },
          ...notFound,
          ...errors("workloads:read"),
        },
      },
    },
    [P.cancel]: {
      post: {
        operationId: "cancelWorkload",
        summary: "Cancel a workload (stops its engine job); cancelling a finished one is a no-op",
        tags,
        parameters: [workloadId, idempotencyKey],
        requestBody: { required: false, content: json("CancelWorkloadRequest") },
        responses: {
          "200": { description: "The workload after cancelling", content: json("Workload") },
          ...notFound,
          ...errors("workloads:write"),
        },
      },
    },
    [P.plan]: {
      post: {
        operationId: "previewPlan",
        summary: "Dry run: the plan Koi would choose now on the org's live capacity (nothing is submitted)",
        description:
          "An organisation's dry runs (here and in the dashboard) may take 6 s of planner time a minute (`KOI_PLAN_PREVIEW_MS_PER_MIN`); past it they are 429 with Retry-After until the minute ends.",
        tags,
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json("WorkloadSubmission") },
        responses: {
          "200": { description: "The plan (an infeasible plan is still 200 and says why)", content: json("Plan") },
          "413": error("Body too large."),
          ...errors("workloads:read"),
        },
      },
    },
  };
}
