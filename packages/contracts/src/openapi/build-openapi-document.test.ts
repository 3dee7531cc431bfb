import { describe, expect, it } from "vitest";
import { AGENT_PROTOCOL_PATHS, ORCA_INGEST_PREFIX, ORCA_WEBHOOK_PATHS, buildOpenApiDocument, fillPath } from "../index.ts";

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
          const resolved = ((response as TNode).$ref ? resolvePointer(doc, (response as TNode).$ref as string) : response) as TNode;
          expect(typeof resolved.description).toBe("string");
        }
        const params = ((operation.parameters ?? []) as TNode[]).map((p) => (p.$ref ? (resolvePointer(doc, p.$ref as string) as TNode) : p));
        for (const param of params) {
          expect(["query", "header", "path", "cookie"]).toContain(param.in);
          if (param.in === "path") expect(param.required).toBe(true);
        }
        const declared = params.filter((p) => p.in === "path").map((p) => p.name);
        expect(declared.sort()).toEqual([...templated].sort());
        if (method === "post") expect(((operation.requestBody as TNode).content as TNode)["application/json"]).toBeDefined();
      }
    }
    for (const requirement of doc.security) for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes[scheme]).toBeDefined();
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

  it("contains every agent-protocol and Orca-ingest path", () => {
    const expected = [...Object.values(AGENT_PROTOCOL_PATHS), ...ORCA_WEBHOOK_PATHS.map((p) => `${ORCA_INGEST_PREFIX}${p}`)];
    expect(Object.keys(doc.paths).sort()).toEqual(expected.sort());
    expect(doc.paths[AGENT_PROTOCOL_PATHS.commands]?.get).toBeDefined();
    expect(doc.components.schemas.Command?.discriminator).toMatchObject({ propertyName: "type" });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it("fillPath encodes parameters", () => {
    expect(fillPath(AGENT_PROTOCOL_PATHS.ack, { agentId: "agt_1", commandId: "c/1" })).toBe("/api/v1/agents/agt_1/commands/c%2F1/ack");
    expect(() => fillPath(AGENT_PROTOCOL_PATHS.ack, { agentId: "a" })).toThrow(/commandId/);
  });
});
