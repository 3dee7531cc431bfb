import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { baseUrl, http } from "./support/http.ts";

const errorShape = { error: { code: expect.any(String), message: expect.any(String), requestId: expect.any(String) } };

/** A chunked POST (no Content-Length), which fetch cannot send on purpose. */
function chunkedPost(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl()}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.write('{"json":');
    req.end('{"a":1}}');
  });
}

/**
 * A conversation on a raw socket (what no HTTP client sends): `talk` writes, and may read what has
 * arrived so far; resolves with everything the server answered once it closes. A reset fails it:
 * the answer may be lost with it.
 */
function rawConversation(talk: (socket: Socket, received: () => string) => void): Promise<string> {
  const url = new URL(baseUrl());
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = "";
    socket.on("data", (c: Buffer) => (received += c.toString()));
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
    talk(socket, () => received);
  });
}

/** An HTTP response read off a raw socket is complete: its whole body (by length or last chunk) is in. */
function wholeAnswer(received: string): boolean {
  const [head = "", ...rest] = received.split("\r\n\r\n");
  const body = rest.join("\r\n\r\n");
  const length = /content-length: *(\d+)/i.exec(head)?.[1];
  return rest.length > 0 && (length ? Buffer.byteLength(body) >= Number(length) : body.endsWith("0\r\n\r\n"));
}

function parseRaw(answer: string) {
  const [head = "", body = ""] = answer.split("\r\n\r\n");
  return { status: Number(head.split(" ")[1]), head: head.toLowerCase(), body };
}

describe("requests Node's HTTP parser refuses, answered with the error shape", () => {
  it("headers larger than the server takes are 431, with a JSON error", async () => {
    const huge = `GET /api/v1/openapi.json HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${"a".repeat(64 * 1024)}\r\n\r\n`;
    const res = parseRaw(await rawConversation((socket) => socket.end(huge)));
    expect(res.status).toBe(431);
    expect(res.head).toContain("content-type: application/json");
    expect(JSON.parse(res.body)).toMatchObject({ error: { ...errorShape.error, code: "headers_too_large" } });
  });

  it("a client still sending after its oversized headers gets the 431 answer, not a reset", async () => {
    const answer = await rawConversation((socket) => {
      socket.write(`POST /api/v1/plan HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${"a".repeat(64 * 1024)}\r\n`);
      let sent = 0;
      const more = setInterval(() => {
        if (!socket.writable || sent++ >= 10) return clearInterval(more);
        socket.write("b".repeat(16 * 1024));
      }, 20);
    });
    const res = parseRaw(answer);
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toMatchObject({ error: { ...errorShape.error, code: "headers_too_large" } });
  });

  it("a bad request on a kept-alive connection that already served one is answered too", async () => {
    const answers = await rawConversation((socket, received) => {
      socket.write("GET /api/v1/nonexistent HTTP/1.1\r\nHost: localhost\r\n\r\n");
      // Once the whole first answer is in, the second request goes on the same connection.
      const second = () => {
        if (!wholeAnswer(received())) return;
        socket.off("data", second);
        socket.write(
          `GET /api/v1/openapi.json HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${"a".repeat(64 * 1024)}\r\n\r\n`,
        );
      };
      socket.on("data", second);
    });
    const statuses = [...answers.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([404, 431]);
    expect(answers).toContain('"code":"headers_too_large"');
  });

  it("a request that is not HTTP is 400, with a JSON error", async () => {
    const res = parseRaw(await rawConversation((socket) => socket.end("HELLO THERE\r\n\r\n")));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { ...errorShape.error, code: "bad_request" } });
  });
});

describe("body and batch limits, before the app reads a byte", () => {
  it("a 10 MB anonymous tRPC or Auth.js body is 413 with the error shape", async () => {
    const big = "x".repeat(10 * 1024 * 1024);
    for (const path of ["/api/trpc/waitlist.join", "/api/auth/callback/credentials", "/sign-in"]) {
      const res = await http(path, {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseUrl() },
        body: big,
      }).catch(() => null);
      // The server may close the socket while the client is still sending: a refusal too.
      if (res) {
        expect(res.status, path).toBe(413);
        expect(res.json).toMatchObject(errorShape);
      }
    }
  });

  it("a chunked body without Content-Length is 411", async () => {
    const res = await chunkedPost("/api/trpc/waitlist.join");
    expect(res.status).toBe(411);
    expect(JSON.parse(res.body)).toMatchObject(errorShape);
  });

  it("a tRPC batch of 11 procedures is 400 batch_too_large", async () => {
    const names = Array.from({ length: 11 }, () => "orgs.list").join(",");
    const res = await http(`/api/trpc/${names}?batch=1&input=${encodeURIComponent("{}")}`);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: "batch_too_large" } });
  });

  it("malformed JSON is a 4xx, never a 500", async () => {
    for (const body of ["{not json", '{"json":', "\u0000", "[".repeat(100_000)]) {
      const res = await http("/api/trpc/waitlist.join", {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseUrl() },
        body,
      });
      expect(res.status, JSON.stringify(body.slice(0, 20))).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body.slice(0, 20))).toBeLessThan(500);
    }
  });

  it("a Host header that is no host is 400 with the error shape, not a 500 from a page", async () => {
    const { port } = new URL(baseUrl());
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, path: "/o/acme/workloads", headers: { host: "a b@c:x" } },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject(errorShape);
  });

  it("a path with a malformed percent-escape is 400 with the error shape, signed in or not", async () => {
    for (const path of [
      "/api/v1/workloads/%FF",
      "/api/v1/orca/job/%FF",
      "/api/trpc/%FF",
      "/o/%FF",
      "/admin/queues/%FF",
    ]) {
      const res = await http(path);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.json).toMatchObject(errorShape);
    }
  });

  // A path no route serves (404), or a method the route does not take (405): JSON, not Next.js's
  // HTML page or empty body.
  it.each([
    ["GET", "/api/v1/nonexistent", 404, "not_found"],
    ["GET", "/api/v1", 404, "not_found"],
    ["POST", "/api/v1", 404, "not_found"],
    ["POST", "/api/v1/agents/x/unknown", 404, "not_found"],
    ["PUT", "/api/v1/workloads", 405, "bad_request"],
    ["DELETE", "/api/v1/plan", 405, "bad_request"],
  ])("%s %s is %i with the error shape (%s)", async (method, path, status, code) => {
    const res = await http(path, { method });
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ error: { ...errorShape.error, code } });
  });
});
