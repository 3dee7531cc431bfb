import { describe, expect, it } from "vitest";
import { MAX_TRPC_BATCH, refuseRequest } from "./request-limits.ts";

const post = (url: string, headers: Record<string, string>) => refuseRequest({ method: "POST", url, headers });

describe("refuseRequest", () => {
  it("refuses bodies over the path's limit with 413", () => {
    expect(post("/api/auth/callback/credentials", { "content-length": String(17 * 1024) })?.status).toBe(413);
    expect(post("/api/trpc/waitlist.join", { "content-length": String(200 * 1024) })?.status).toBe(413);
    expect(post("/sign-in", { "content-length": String(10 * 1024 * 1024) })?.status).toBe(413);
    expect(post("/api/v1/workloads", { "content-length": "1000" })).toBeNull();
  });

  it("refuses a path Next.js cannot decode into its parameters with 400 (it answered a bare 500)", () => {
    expect(refuseRequest({ method: "GET", url: "/api/v1/workloads/%FF", headers: {} })).toMatchObject({
      status: 400,
      code: "bad_request",
    });
    expect(refuseRequest({ method: "GET", url: "/o/%E0%A4%A", headers: {} })?.status).toBe(400);
    expect(refuseRequest({ method: "GET", url: "/o/acme%20corp/workloads?q=%FF", headers: {} })).toBeNull();
  });

  it("asks for a Content-Length when the body is chunked (411)", () => {
    expect(post("/api/trpc/waitlist.join", { "transfer-encoding": "chunked" })?.status).toBe(411);
  });

  it(`refuses tRPC batches of more than ${MAX_TRPC_BATCH} procedures, encoded commas too`, () => {
    const names = (n: number, sep: string) => Array.from({ length: n }, () => "org.list").join(sep);
    expect(refuseRequest({ url: `/api/trpc/${names(MAX_TRPC_BATCH, ",")}?batch=1`, headers: {} })).toBeNull();
    expect(refuseRequest({ url: `/api/trpc/${names(MAX_TRPC_BATCH + 1, ",")}?batch=1`, headers: {} })?.code).toBe(
      "batch_too_large",
    );
    expect(refuseRequest({ url: `/api/trpc/${names(MAX_TRPC_BATCH + 1, "%2C")}?batch=1`, headers: {} })?.status).toBe(
      400,
    );
  });

  it("refuses a Host header that is no host with 400, and takes every real one", () => {
    const get = (host: string) => refuseRequest({ method: "GET", url: "/o/acme/workloads", headers: { host } });
    for (const host of ["a b@c:x", "[::1", "evil.example/path", "host:99999", ""])
      expect(get(host), host).toMatchObject({ status: 400, code: "bad_request" });
    for (const host of ["localhost:3000", "Koi.Example.COM", "127.0.0.1", "[::1]:3000", "koi.example:80"])
      expect(get(host), host).toBeNull();
  });
});
