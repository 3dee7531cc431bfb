// @koi/contracts: the agent protocol v1 shared by the Koi server and koi-agent, plus the engine
// payloads (Orca webhooks and REST, Tuna router) exactly as the engines send them.
export * from "./primitives.ts";
export * from "./agent/register.ts";
export * from "./agent/heartbeat.ts";
export * from "./agent/commands.ts";
export * from "./agent/ack.ts";
export * from "./agent/reports.ts";
export * from "./agent/online-sample.ts";
export * from "./agent/events.ts";
export * from "./agent/errors.ts";
export * from "./orca/webhooks.ts";
export * from "./orca/batched-request.ts";
export * from "./orca/pd-extension.ts";
export * from "./orca/rest.ts";
export * from "./orca/ingest.ts";
export * from "./orca/orca-instances.ts";
export * from "./tuna/router.ts";
export * from "./tuna/scaling-policy.ts";
export * from "./openapi/paths.ts";
export { buildOpenApiDocument, type TOpenApiDocument } from "./openapi/build-openapi-document.ts";
export * from "./workloads/workload-kinds.ts";
export * from "./workloads/workloads.ts";
export * from "./workloads/workloads-api.ts";
export * from "./openapi/workload-paths.ts";
