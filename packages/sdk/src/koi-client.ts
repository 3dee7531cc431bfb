import { z } from "zod";
import {
  WORKLOAD_API_PATHS,
  ZPlanView,
  ZWorkloadView,
  fillPath,
  type TPlanView,
  type TWorkloadSubmission,
  type TWorkloadView,
} from "@koi/contracts";
import {
  abortableSleep,
  DEFAULT_BACKOFF,
  parseRetryAfterMs,
  retryDelayMs,
  type TBackoffPolicy,
  type TRandomSource,
} from "./backoff.ts";
import { isRetryableStatus, KoiHttpError } from "./koi-http-error.ts";

export type TKoiRequest = {
  method: "GET" | "POST";
  /** Path under the Koi base URL, e.g. `/api/v1/agents/agt_1/heartbeat`. */
  path: string;
  body?: unknown;
  /** Required on every POST that writes; reused verbatim by every retry of the same logical request. */
  idempotencyKey?: string;
  /** A POST that writes nothing (the plan dry run) needs no Idempotency-Key. */
  readOnly?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
};

export type TKoiResponse = {
  status: number;
  body: unknown;
  retryAfterMs: number | undefined;
  /** `x-request-id`, which Koi sets on every answer. */
  requestId: string | null;
};

/** Where the client says it is retrying; the agent passes its JSON-lines logger. */
export type TClientLogger = { warn: (message: string, fields?: Record<string, unknown>) => void };

export type TKoiClientOptions = {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  backoff?: TBackoffPolicy;
  random?: TRandomSource;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  nowMs?: () => number;
  logger?: TClientLogger;
  /** Attempts per `call` unless it says otherwise; default: until it succeeds or is aborted. */
  maxAttempts?: number;
};

/**
 * Koi's /api/v1 over fetch: Bearer key, Idempotency-Key on POSTs, and one shared gate so that a
 * 429/503 with Retry-After pauses every loop of the agent, not just the call that saw it. The agent
 * speaks its protocol through `call`/`send`; the workload methods are the customer API the `koi`
 * CLI and scripts use.
 */
export class KoiClient {
  private blockedUntilMs = 0;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly nowMs: () => number;
  readonly random: TRandomSource;
  readonly backoff: TBackoffPolicy;

  constructor(private readonly options: TKoiClientOptions) {
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.sleep = options.sleep ?? abortableSleep;
    this.nowMs = options.nowMs ?? Date.now;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** One attempt (after waiting out any Retry-After the server asked for). Throws only on network errors. */
  async send(request: TKoiRequest): Promise<TKoiResponse> {
    const wait = this.blockedUntilMs - this.nowMs();
    if (wait > 0) await this.sleep(wait, request.signal);
    if (request.signal?.aborted) throw new Error("aborted");
    if (request.method === "POST" && !request.idempotencyKey && !request.readOnly)
      throw new Error(`POST ${request.path} needs an Idempotency-Key`);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: "application/json",
      "user-agent": this.options.userAgent,
    };
    if (request.body !== undefined) headers["content-type"] = "application/json";
    if (request.idempotencyKey) headers["idempotency-key"] = request.idempotencyKey;
    const timeout = AbortSignal.timeout(request.timeoutMs ?? this.options.timeoutMs ?? 30_000);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const baseUrl = this.options.baseUrl.replace(/\/+$/, "");
    let response: Response;
    try {
      response = await this.fetchImpl(`${baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
      });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error(`cannot reach Koi at ${baseUrl}: ${cause ?? (error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Keep the text: proxies in front of Koi answer HTML on 502/504.
    }
    const retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"), this.nowMs());
    if ((response.status === 429 || response.status === 503) && retryAfterMs !== undefined) {
      this.blockedUntilMs = Math.max(this.blockedUntilMs, this.nowMs() + retryAfterMs);
    }
    return { status: response.status, body, retryAfterMs, requestId: response.headers.get("x-request-id") };
  }

  /**
   * Sends until a non-retryable answer: 2xx → parsed body; other 4xx → KoiHttpError. Network
   * errors and retryable statuses back off (Retry-After, else full jitter) with the same
   * Idempotency-Key, up to `maxAttempts` (default: until aborted).
   */
  async call<T>(
    request: TKoiRequest,
    schema: z.ZodType<T>,
    maxAttempts = this.options.maxAttempts ?? Infinity,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs: number | undefined;
      let failure: Error;
      try {
        const response = await this.send(request);
        if (response.status >= 200 && response.status < 300) return parseAnswer(request, schema, response.body);
        failure = new KoiHttpError(response.status, response.body, request.path, response.requestId);
        if (!isRetryableStatus(response.status)) throw failure;
        retryAfterMs = response.retryAfterMs;
      } catch (error) {
        if (error instanceof KoiHttpError && !isRetryableStatus(error.status)) throw error;
        if (request.signal?.aborted) throw error;
        failure = error as Error;
      }
      if (attempt + 1 >= maxAttempts) throw failure;
      const delay = retryDelayMs(attempt, retryAfterMs, this.backoff, this.random);
      this.options.logger?.warn("koi request failed, retrying", {
        path: request.path,
        attempt: attempt + 1,
        delayMs: delay,
        error: failure.message,
      });
      await this.sleep(delay, request.signal);
      if (request.signal?.aborted) throw failure;
    }
  }

  submitWorkload(submission: TWorkloadSubmission, idempotencyKey: string): Promise<TWorkloadView> {
    return this.call(
      { method: "POST", path: WORKLOAD_API_PATHS.workloads, body: submission, idempotencyKey },
      ZWorkloadView,
    );
  }

  getWorkload(workloadId: string): Promise<TWorkloadView> {
    return this.call({ method: "GET", path: fillPath(WORKLOAD_API_PATHS.workload, { workloadId }) }, ZWorkloadView);
  }

  cancelWorkload(workloadId: string, idempotencyKey: string): Promise<TWorkloadView> {
    const path = fillPath(WORKLOAD_API_PATHS.cancel, { workloadId });
    return this.call({ method: "POST", path, body: {}, idempotencyKey }, ZWorkloadView);
  }

  /** Dry run: the plan Koi would choose on the org's live capacity now; nothing is submitted. */
  previewPlan(submission: TWorkloadSubmission): Promise<TPlanView> {
    return this.call({ method: "POST", path: WORKLOAD_API_PATHS.plan, body: submission, readOnly: true }, ZPlanView);
  }
}

/** A 2xx body that is not what the contract says is Koi's fault, said in one line. */
function parseAnswer<T>(request: TKoiRequest, schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(
    `Koi answered ${request.method} ${request.path} with an unexpected body${issue ? ` (${issue.path.join(".") || "body"}: ${issue.message})` : ""}`,
  );
}
