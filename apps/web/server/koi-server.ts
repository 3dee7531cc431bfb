import { randomUUID } from "node:crypto";
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { stampClientIp } from "./client-address.ts";
import { refuseRequest } from "./request-limits.ts";

export type TRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** The error shape of the JSON API, with the headers that go with it. */
function errorAnswer(code: string, message: string) {
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { code, message, requestId } });
  const headers = {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-request-id": requestId,
  };
  return { body, headers };
}

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  const { body, headers } = errorAnswer(code, message);
  // The unread body is not drained: the connection closes after this answer.
  res.writeHead(status, { ...headers, connection: "close" });
  res.end(body);
}

/** What Node's parser refused, as the JSON API's status and error code. */
function parserRefusal(code: string | undefined): { status: number; code: string; message: string } {
  if (code === "HPE_HEADER_OVERFLOW")
    return { status: 431, code: "headers_too_large", message: "The request's headers are too large." };
  if (code === "HPE_CHUNK_EXTENSIONS_OVERFLOW")
    return { status: 413, code: "payload_too_large", message: "The request's chunk extensions are too large." };
  if (code === "ERR_HTTP_REQUEST_TIMEOUT")
    return { status: 408, code: "request_timeout", message: "The request took too long to arrive." };
  return { status: 400, code: "bad_request", message: "The request is not valid HTTP." };
}

/** How long a refused request's connection may stay open for its answer to reach the client. */
const CLIENT_ERROR_LINGER_MS = 1000;
/** Sockets already answered: the parser reports its error again for every chunk that arrives after. */
const answeredSockets = new WeakSet<Duplex>();

/**
 * Node answers a request its parser refuses (headers too large, not HTTP, too slow) with an empty
 * body; the API's callers read the error shape. As Node does, a socket gets an answer unless a
 * response on it has already sent its headers, and one whose request was under way (or too slow)
 * is closed at once, so the request cannot finish after its refusal. Otherwise closing while the
 * client still sends would reset the connection and lose the answer: what it sends is read and
 * dropped until the connection closes, a second at most.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (answeredSockets.has(socket)) return;
  // Node's own test (`socketOnError` in node:_http_server), on its internal field.
  const response = (socket as Duplex & { _httpMessage?: { _headerSent?: boolean } | null })._httpMessage;
  if (!socket.writable || response?._headerSent) {
    socket.destroy(err);
    return;
  }
  answeredSockets.add(socket);
  const refusal = parserRefusal(err.code);
  const { body, headers } = errorAnswer(refusal.code, refusal.message);
  const lines = Object.entries({ ...headers, connection: "close" }).map(([name, value]) => `${name}: ${value}`);
  const answer = `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n${lines.join("\r\n")}\r\n\r\n${body}`;
  if (response || err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    socket.write(answer);
    socket.destroy(err);
    return;
  }
  socket.end(answer);
  socket.resume();
  setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
}

/**
 * Next.js answers a method a route does not export with an empty 405; the JSON API's callers read
 * the error shape instead.
 */
function answerMethodNotAllowedAsJson(req: IncomingMessage, res: ServerResponse): void {
  let body: string | null = null;
  // Headers go out at writeHead (Node calls it for an implicit header too), so they are set there.
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((statusCode: number, ...rest: unknown[]) => {
    if (statusCode === 405 && !res.getHeader("content-type")) {
      const answer = errorAnswer("bad_request", `${req.method ?? "This method"} is not allowed on this route.`);
      body = answer.body;
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    }
    return writeHead(statusCode, ...rest);
  }) as ServerResponse["writeHead"];
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const empty = args[0] === undefined || typeof args[0] === "function";
    if (body === null || !empty) return end(...args);
    return typeof args[0] === "function" ? end(body, args[0]) : end(body, ...args.slice(1));
  }) as ServerResponse["end"];
}

/**
 * The HTTP server in front of Next.js: it alone decides the client address (from the socket, or
 * the trusted proxies' X-Forwarded-For) and refuses oversized bodies and batches before the app
 * reads them. `handle` is Next's request handler (a test may pass its own).
 */
export function createKoiServer(handle: TRequestHandler, opts: { trustedHops: number }): Server {
  const server = createServer((req, res) => {
    stampClientIp(req.headers, req.socket.remoteAddress, opts.trustedHops);
    const refusal = refuseRequest(req);
    if (refusal) return sendError(res, refusal.status, refusal.code, refusal.message);
    if (req.url?.startsWith("/api/v1/")) answerMethodNotAllowedAsJson(req, res);
    Promise.resolve(handle(req, res)).catch((err: unknown) => {
      console.error("request failed", err);
      if (!res.headersSent) sendError(res, 500, "internal_error", "Something went wrong on our side.");
      else res.destroy();
    });
  });
  // A client that trickles its headers or body must not hold a socket for minutes (Node: 60 s / 300 s).
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  server.on("clientError", answerClientError);
  return server;
}
