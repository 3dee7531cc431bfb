import { describe, expect, it } from "vitest";
import {
  AGENT_PROTOCOL_PATHS,
  ORCA_INGEST_PREFIX,
  ORCA_WEBHOOK_PATHS,
  WORKLOAD_API_PATHS,
  ZPlanView,
  ZWorkloadList,
  buildOpenApiDocument,
  fillPath,
} from "../index.ts";

type TNode = Record<string, unknown>;
const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, out));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

function resolvePointer(doc: unknown, pointer: string): unknown {
  if (!pointer.startsWith("#/")) return undefined;
  return pointer
    .slice(2)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as TNode)[key] : undefined), doc);
}

describe("buildOpenApiDocument", () => {
  const doc = buildOpenApiDocument();

  it("is a structurally valid OpenAPI 3.1 document", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith("/")).toBe(true);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        expect(METHODS).toContain(method);
        const operation = op as TNode;
        expect(typeof operation.operationId).toBe("string");
        expect(operationIds.has(operation.operationId as string)).toBe(false);
        operationIds.add(operation.operationId as string);
        const responses = operation.responses as TNode;
        expect(Object.keys(responses).length).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(responses)) {
          expect(status).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
          const resolved = (
            (response as TNode).$ref ? resolvePointer(doc, (response as TNode).$ref as string) : response
          ) as TNode;
          expect(typeof resolved.description).toBe("string");
        }
        const params = ((operation.parameters ?? []) as TNode[]).map((p) =>
          p.$ref ? (resolvePointer(doc, p.$ref as string) as TNode) : p,
        );
        for (const param of params) {
          expect(["query", "header", "path", "cookie"]).toContain(param.in);
          if (param.in === "path") expect(param.required).toBe(true);
        }
        const declared = params.filter((p) => p.in === "path").map((p) => p.name);
        expect(declared.sort()).toEqual([...templated].sort());
        if (method === "post")
          expect(((operation.requestBody as TNode).content as TNode)["application/json"]).toBeDefined();
      }
    }
    for (const requirement of doc.security)
      for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes[scheme]).toBeDefined();
  });

  it("every $ref resolves and no component keeps a per-schema $schema or $id", () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(resolvePointer(doc, ref), ref).toBeDefined();
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(schema.$schema).toBeUndefined();
      expect(schema.$id).toBeUndefined();
    }
  });

  it("contains every agent-protocol, Orca-ingest and workload path", () => {
    const expected = [
      ...Object.values(AGENT_PROTOCOL_PATHS),
      ...ORCA_WEBHOOK_PATHS.map((p) => `${ORCA_INGEST_PREFIX}${p}`),
      ...Object.values(WORKLOAD_API_PATHS),
    ];
    expect(Object.keys(doc.paths).sort()).toEqual(expected.sort());
    expect(doc.paths[AGENT_PROTOCOL_PATHS.commands]?.get).toBeDefined();
    expect(doc.components.schemas.Command?.discriminator).toMatchObject({ propertyName: "type" });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it("describes the workloads API under its own tag with the shared schemas", () => {
    expect(doc.tags.map((t) => t.name)).toContain("workloads");
    const P = WORKLOAD_API_PATHS;
    const ops = [
      doc.paths[P.workloads]?.get,
      doc.paths[P.workloads]?.post,
      doc.paths[P.workload]?.get,
      doc.paths[P.cancel]?.post,
      doc.paths[P.plan]?.post,
    ];
    for (const op of ops) expect(op?.tags).toEqual(["workloads"]);
    for (const op of [doc.paths[P.workload]?.get, doc.paths[P.cancel]?.post])
      expect(Object.keys(op?.responses as object)).toContain("404");
    expect(JSON.stringify(doc.paths[P.workloads]?.post)).toContain("#/components/schemas/WorkloadSubmission");
    expect(JSON.stringify(doc.paths[P.plan]?.post)).toContain("#/components/schemas/Plan");
    for (const name of ["Workload", "WorkloadSubmission", "WorkloadList", "Plan", "WorkloadStatus"])
      expect(doc.components.schemas[name], name).toBeDefined();
    for (const tagged of Object.values(doc.paths).flatMap((item) => Object.values(item))) {
      for (const tag of tagged.tags as string[]) expect(doc.tags.map((t) => t.name)).toContain(tag);
    }
  });

  it("the plan and list schemas accept what the server sends", () => {
    const plan = {
      feasible: true,
      engine: "orca",
      kind: "batch",
      replicas: [{ poolId: "p", gpuType: "H100-SXM", market: "spot", tp: 4, count: 2, role: "both" }],
      gpus: 8,
      costPerHour: 20,
      predictedHours: 1.5,
      totalCost: 30,
      tokensPerSecond: 9000,
      alternatives: [],
      reason: "cheapest",
    };
    expect(ZPlanView.parse(plan)).toEqual(plan);
    expect(ZWorkloadList.parse({ items: [], nextCursor: null })).toEqual({ items: [], nextCursor: null });
  });

  it("fillPath encodes parameters", () => {
    expect(fillPath(AGENT_PROTOCOL_PATHS.ack, { agentId: "agt_1", commandId: "c/1" })).toBe(
      "/api/v1/agents/agt_1/commands/c%2F1/ack",
    );
    expect(() => fillPath(AGENT_PROTOCOL_PATHS.ack, { agentId: "a" })).toThrow(/commandId/);
  });
});
