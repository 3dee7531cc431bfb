import { UsageError, type TFlags } from "./cli-io.ts";

/** What the CLI needs of a workload view (`ZWorkloadView` in @koi/contracts; the planner cannot import it). */
export type TRemoteWorkload = {
  id: string;
  name: string;
  kind: "batch" | "online";
  model: string;
  status: string;
  health: string;
  engine: string | null;
  statusDetail: string | null;
  progress: { completed: number; total: number };
  costUsd: number;
  predictedCostUsd: number | null;
  budgetUsd: number | null;
  deadlineAt: string | null;
  forecast: {
    p10: string | null;
    p50: string | null;
    p90: string | null;
    missProbability: number | null;
    explanation: string | null;
  } | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
};

export const TERMINAL_STATUSES = new Set(["COMPLETED", "FAILED", "CANCELLED"]);
export const CLI_USER_AGENT = "koi-cli/1";

/** A non-2xx answer from Koi, carrying the server's `{error:{code,message,requestId}}`. */
export class KoiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = "KoiHttpError";
  }

  /** One line: the server's message, then what identifies the request in Koi's logs. */
  describe(): string {
    return `${this.message} (HTTP ${this.status} ${this.code}${this.requestId ? `, requestId ${this.requestId}` : ""})`;
  }
}

export type TKoiConnection = { url: string; apiKey: string };

/** `--koi-url` / `--api-key`, else KOI_URL / KOI_API_KEY. */
export function connectionFrom(flags: TFlags, env: Record<string, string | undefined>): TKoiConnection {
  const url = flags.values.get("koi-url") ?? env.KOI_URL;
  const apiKey = flags.values.get("api-key") ?? env.KOI_API_KEY;
  if (!url) throw new UsageError("missing --koi-url (or KOI_URL), e.g. http://localhost:3000");
  if (!apiKey) throw new UsageError("missing --api-key (or KOI_API_KEY): create one under Settings → API keys");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--koi-url: "${url}" is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new UsageError(`--koi-url: "${url}" must be http(s)`);
  return { url: parsed.toString().replace(/\/+$/, ""), apiKey };
}

type TFetch = typeof fetch;

/** The Koi REST API (`/api/v1/workloads`, `/api/v1/plan`) as the CLI uses it. */
export class KoiClient {
  constructor(
    private readonly conn: TKoiConnection,
    private readonly fetchImpl: TFetch = fetch,
  ) {}

  submit(submission: unknown, idempotencyKey: string): Promise<TRemoteWorkload> {
    return this.request("POST", "/api/v1/workloads", submission, idempotencyKey);
  }

  get(id: string): Promise<TRemoteWorkload> {
    return this.request("GET", `/api/v1/workloads/${encodeURIComponent(id)}`);
  }

  cancel(id: string, idempotencyKey: string): Promise<TRemoteWorkload> {
    return this.request("POST", `/api/v1/workloads/${encodeURIComponent(id)}/cancel`, {}, idempotencyKey);
  }

  /** Dry run: the plan Koi would choose now (`TPlan`). */
  plan<T = { feasible: boolean; engine: string; reason: string; gpus: number; costPerHour: number }>(
    submission: unknown,
  ): Promise<T> {
    return this.request("POST", "/api/v1/plan", submission);
  }

  private async request<T>(method: "GET" | "POST", path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.conn.apiKey}`,
      accept: "application/json",
      "user-agent": CLI_USER_AGENT,
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.conn.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error(`cannot reach Koi at ${this.conn.url}: ${cause ?? (error as Error).message}`);
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const e = (json as { error?: { code?: string; message?: string; requestId?: string } } | null)?.error;
      throw new KoiHttpError(
        response.status,
        e?.code ?? "http_error",
        e?.message ?? (text.slice(0, 200) || response.statusText),
        e?.requestId ?? response.headers.get("x-request-id"),
      );
    }
    if (json === null) throw new Error(`Koi answered ${method} ${path} with a body that is not JSON`);
    return json as T;
  }
}
