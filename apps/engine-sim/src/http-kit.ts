import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Largest body the simulated engines read; real Orca and Tuna sit behind uvicorn's defaults. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyTooLargeError(`body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; `undefined` for an empty body, a SyntaxError for bad JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.length === 0) return undefined;
  return JSON.parse(raw.toString("utf8")) as unknown;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export type THandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Wraps a handler so a thrown error becomes FastAPI's plain 500, as the real engines answer. */
export function startServer(
  handler: THandler,
  port: number,
  host: string,
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof BodyTooLargeError) sendJson(res, 413, { detail: "Request body too large" });
      else sendText(res, 500, "Internal Server Error");
    });
  });
  // Keep-alive like uvicorn's; tests close servers with closeAllConnections below.
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address() as AddressInfo;
      const close = () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
      resolve({ server, url: `http://${host.includes(":") ? `[${host}]` : host}:${actual}`, close });
    });
  });
}

export function bearerMatches(req: IncomingMessage, key: string): boolean {
  return req.headers.authorization === `Bearer ${key}`;
}
