import type {
  TAssignmentReport,
  TCapability,
  TCommand,
  TDeployCommand,
  TGpuPool,
  TLifecycleEvent,
} from "@koi/contracts";
import type { TAssignmentRecord } from "../state/agent-state.ts";

export type TExecuteResult = {
  status: "completed" | "failed" | "rejected";
  detail: string;
  /**
   * The engine may or may not have acted (e.g. the submit timed out). The agent then sends no final
   * ack: the lease runs out, Koi redelivers, and `recoverInterruptedDeploy` looks before retrying.
   */
  outcomeUnknown?: boolean;
  engineRef?: string;
  state?: TAssignmentRecord["state"];
  adapterState?: Record<string, unknown>;
};

export type TReportBody = Omit<TAssignmentReport, "epoch" | "seq" | "at">;

export type TPollResult = {
  report: TReportBody;
  adapterState?: Record<string, unknown>;
  /** Observations that are events rather than metrics (e.g. Tuna's spot state changed). */
  events?: TLifecycleEvent[];
};

/** Resolves once the events are durably spooled; the webhook listener answers the engine only then. */
export type TEventSink = (events: TLifecycleEvent[]) => Promise<void>;

export type TEngineAdapter = {
  kind: "orca" | "tuna";
  capabilities: readonly TCapability[];
  /**
   * Capabilities only the engine can tell (asked at registration), beyond the adapter's own. The
   * agent declares one only when each of its adapters detects it (see KoiAgent.register).
   */
  detectCapabilities?: () => Promise<readonly TCapability[]>;
  /** Whether this adapter runs a command for an assignment it does not hold yet (deploys). */
  acceptsDeploy: (command: TDeployCommand) => boolean;
  /**
   * The engine object every deploy attaches to, when the engine holds one service only (a Tuna
   * router fronts one vLLM deployment): a deploy while another live assignment holds it is refused.
   */
  exclusiveEngineRef?: string;
  inventory: () => Promise<TGpuPool[]>;
  execute: (command: TCommand, assignment: TAssignmentRecord | undefined) => Promise<TExecuteResult>;
  poll: (assignment: TAssignmentRecord) => Promise<TPollResult>;
  /**
   * After a crash between "submit" and "remember the result", finds the engine object the
   * interrupted deploy created, so a redelivered deploy does not launch a second job.
   * `isOwned` says whether another assignment already holds an engine ref.
   */
  recoverInterruptedDeploy?: (
    command: TDeployCommand,
    startedAt: string,
    isOwned: (engineRef: string) => boolean,
  ) => Promise<TExecuteResult | null>;
  startWebhookListener?: (sink: TEventSink) => Promise<{ url: string; close: () => Promise<void> }>;
};

export class EngineHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly what: string,
  ) {
    super(
      `${what} answered ${status}: ${typeof body === "string" ? body.slice(0, 300) : JSON.stringify(body).slice(0, 300)}`,
    );
  }
}

/** JSON over HTTP to an engine, with a timeout; non-2xx → EngineHttpError (status and body kept). */
export async function engineRequest(
  fetchImpl: typeof fetch,
  url: string,
  init: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: unknown; timeoutMs?: number },
  what: string,
): Promise<unknown> {
  const response = await fetchImpl(url, {
    method: init.method ?? "GET",
    headers: {
      accept: "application/json",
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // FastAPI's 500 is plain text; keep it.
  }
  if (response.status < 200 || response.status >= 300) throw new EngineHttpError(response.status, body, what);
  return body;
}
