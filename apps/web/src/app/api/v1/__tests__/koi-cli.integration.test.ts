import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyCache } from "@koi/auth/api-keys/api-key-cache";
import { commandWakeups } from "@koi/services/agents/command-wakeups";
import { prisma } from "@koi/db";
import { BATCH_SUBMISSION, createTenants, handlers } from "./api-v1-harness.ts";

const BIN = join(process.cwd(), "packages/cli/bin/koi.mjs");
type THandler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Serves the real /api/v1/workloads route handlers over HTTP, so the spawned `koi` talks to them. */
function routeTo(method: string, path: string): { handler: THandler; params: Record<string, string> } | null {
  const match = /^\/api\/v1\/workloads(?:\/([^/]+)(\/cancel)?)?$/.exec(path);
  if (!match) return null;
  const [, id, cancel] = match;
  if (!id) return { handler: method === "POST" ? handlers.submitWorkload : handlers.listWorkloads, params: {} };
  const params = { workloadId: decodeURIComponent(id) };
  return cancel ? { handler: handlers.cancelWorkload, params } : { handler: handlers.getWorkload, params };
}

let t: Awaited<ReturnType<typeof createTenants>>;
let server: Server;
let url: string;
beforeAll(async () => {
  t = await createTenants();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const route = routeTo(req.method ?? "GET", path);
      if (!route) return void res.writeHead(404).end();
      const headers = new Headers(
        Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])),
      );
      const request = new Request(`http://localhost:3000${req.url}`, {
        method: req.method,
        headers,
        body: req.method === "GET" ? undefined : Buffer.concat(chunks),
      });
      void route.handler(request, { params: Promise.resolve(route.params) }).then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers)).end(await response.text());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await commandWakeups().stop();
  await apiKeyCache().stop();
});

function koi(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, KOI_URL: url, KOI_API_KEY: t.workloadsA.secret }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe("koi CLI against the real route handlers", () => {
  it("submit → status → cancel", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "koi-cli-int-")), "w.json");
    writeFileSync(file, JSON.stringify({ ...BATCH_SUBMISSION, name: "cli round trip" }));
    const submitted = await koi(["submit", "--workload", file, "--json"]);
    expect(submitted.stderr).toBe("");
    const id = (JSON.parse(submitted.stdout) as { id: string }).id;
    expect(await prisma.workload.findUniqueOrThrow({ where: { id } })).toMatchObject({
      orgId: t.orgA.id,
      name: "cli round trip",
      submittedVia: "cli",
    });

    const status = await koi(["status", id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/status PENDING/);
    expect(status.stdout).toMatch(/\[░+\]\s+0\.0%\s+0\/1,000 requests/);

    const cancelled = await koi(["cancel", id]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`${id}: CANCELLED`));
    expect((await prisma.workload.findUniqueOrThrow({ where: { id } })).status).toBe("CANCELLED");
  }, 60_000);

  it("another org's workload is a 404 with the server's requestId (exit 2)", async () => {
    const other = await prisma.workload.create({
      data: { orgId: t.orgB.id, name: "b", kind: "batch", model: "llama-3.1-8b", spec: BATCH_SUBMISSION },
    });
    const r = await koi(["status", other.id]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No such workload\. \(HTTP 404 not_found, requestId [0-9a-f-]{36}\)/);
  }, 60_000);
});
