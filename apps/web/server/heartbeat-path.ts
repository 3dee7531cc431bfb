import type { IncomingMessage, ServerResponse } from "node:http";
import type { TRequestHandler } from "./koi-server.ts";

/** A Next.js route handler: a web Request in, a Response out. */
export type TRouteHandler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

const HEARTBEAT = /^\/api\/v1\/agents\/([^/]+)\/heartbeat$/;

/**
 * Agents' heartbeats answered by Koi's server itself, with the same route handler Next.js runs
 * (key check, rate limit, body parsing, metrics): every agent sends one every 15 s, and a CPU
 * profile put most of a heartbeat's cost in Next's request pipeline around the handler (routing,
 * stream adapters, tracing), not in the handler. Everything else goes to `next`.
 */
export function withHeartbeatPath(next: TRequestHandler, heartbeat: TRouteHandler): TRequestHandler {
  return (req, res) => {
    const match = req.method === "POST" ? HEARTBEAT.exec((req.url ?? "/").split("?")[0]!) : null;
    return match ? serveRoute(req, res, heartbeat, { agentId: decodeSegment(match[1]!) }) : next(req, res);
  };
}

/** As Next.js decodes a dynamic segment; a malformed escape stays as sent (and matches no agent). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function serveRoute(
  req: IncomingMessage,
  res: ServerResponse,
  route: TRouteHandler,
  params: Record<string, string>,
): Promise<void> {
  // Koi's server has already refused bodies without a length or over the limit (request-limits.ts).
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  // The handler reads only the path and query: the origin is fixed rather than taken from Host.
  const request = new Request(`http://localhost${req.url}`, {
    method: req.method,
    headers,
    body: Buffer.concat(chunks),
  });
  const response = await route(request, { params: Promise.resolve(params) });
  const body = Buffer.from(await response.arrayBuffer());
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => (out[name] = value));
  res.writeHead(response.status, { ...out, "content-length": body.length });
  res.end(body);
}
