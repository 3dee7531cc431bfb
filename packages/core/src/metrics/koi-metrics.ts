import { Counter, Gauge, Histogram } from "prom-client";
import { singleMetric } from "./metrics-registry.ts";

// Every metric Koi exports, in one place both processes import. Conventions: `koi_` prefix,
// counters end in `_total`, durations are `_seconds` histograms, labels are closed sets (route
// templates, enum values, queue names) — never ids, emails or free text.

const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
  singleMetric(name, (registry) => new Counter<L>({ name, help, labelNames, registers: [registry] }));
const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
  singleMetric(name, (registry) => new Gauge<L>({ name, help, labelNames, registers: [registry] }));
const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
  singleMetric(name, (registry) => new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] }));

// Requests answer in milliseconds; long-polls hold up to 30 s.
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const WORK_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const httpRequests = counter(
  "koi_http_requests_total",
  "HTTP requests answered, by route template, method and status.",
  ["route", "method", "status"],
);
export const httpRequestDuration = histogram(
  "koi_http_request_duration_seconds",
  "Time to answer an HTTP request, by route template, method and status.",
  ["route", "method", "status"],
  REQUEST_BUCKETS,
);

export const trpcCalls = counter("koi_trpc_calls_total", "tRPC procedure calls, by procedure, type and result code.", [
  "procedure",
  "type",
  "code",
]);
export const trpcCallDuration = histogram(
  "koi_trpc_call_duration_seconds",
  "Time spent in a tRPC procedure, by procedure and type.",
  ["procedure", "type"],
  REQUEST_BUCKETS,
);

export const apiKeyAuth = counter(
  "koi_api_key_auth_total",
  "API key checks on /api/v1, by outcome (ok, missing, malformed, unknown, revoked, expired, forbidden_scope, unavailable).",
  ["outcome"],
);
export const rateLimitRefusals = counter(
  "koi_rate_limit_refusals_total",
  "Requests refused by a rate limit or a time budget, by bucket.",
  ["bucket"],
);

export const heartbeats = counter(
  "koi_agent_heartbeats_total",
  "Agent heartbeats recorded, by whether the GPU inventory was rewritten.",
  ["inventory"],
);
export const longPollsHeld = gauge("koi_long_polls_held", "Command long-polls this process is holding open now.");
export const livePagesOpen = gauge(
  "koi_live_pages_open",
  "Pages this process is pushing changes to (server-sent events), by topic kind.",
  ["topic"],
);
export const longPolls = counter(
  "koi_long_polls_total",
  "Command long-polls answered, by outcome (commands, empty, aborted).",
  ["outcome"],
);
export const commandsIssued = counter("koi_commands_issued_total", "Commands written for agents, by type.", ["type"]);
export const commandAcks = counter("koi_command_acks_total", "Command acknowledgements from agents, by status.", [
  "status",
]);
export const commandsByState = gauge("koi_commands", "Commands in Postgres, by state (sampled at scrape).", ["state"]);

export const outboxPending = gauge(
  "koi_outbox_pending",
  "Outbox rows not yet published to BullMQ (sampled at scrape).",
);
export const outboxLag = gauge(
  "koi_outbox_lag_seconds",
  "Age of the oldest unpublished outbox row; 0 when the outbox is empty (sampled at scrape).",
);
export const outboxPublished = counter("koi_outbox_published_total", "Outbox rows moved into BullMQ, by result.", [
  "result",
]);

export const queueJobs = gauge("koi_queue_jobs", "BullMQ jobs by queue and state (sampled at scrape).", [
  "queue",
  "state",
]);
export const queueOldestWaitingAge = gauge(
  "koi_queue_oldest_waiting_seconds",
  "Age of the oldest waiting job per queue; 0 when none waits (sampled at scrape).",
  ["queue"],
);
export const jobsProcessed = counter(
  "koi_jobs_total",
  "BullMQ jobs finished by this worker, by queue, job and result.",
  ["queue", "job", "result"],
);
export const jobDuration = histogram(
  "koi_job_duration_seconds",
  "Time a BullMQ job ran in this worker, by queue and job.",
  ["queue", "job"],
  WORK_BUCKETS,
);

export const decisions = counter("koi_decisions_total", "Planning decisions recorded, by kind.", ["kind"]);
export const planningDuration = histogram(
  "koi_planning_duration_seconds",
  "Time the planner took to choose a plan on the org's capacity, by decision kind.",
  ["kind"],
  WORK_BUCKETS,
);
export const forecasts = counter("koi_forecasts_total", "Workload forecasts computed, by health.", ["health"]);
export const sweepFailures = counter(
  "koi_sweep_workload_failures_total",
  "Workloads a sweep (batch forecasts, online plans) could not handle and passed over, by sweep.",
  ["sweep"],
);
export const workloadsByForecastHealth = gauge(
  "koi_workloads_by_forecast_health",
  "Running batch workloads by the health of their latest forecast (sampled at scrape).",
  ["health"],
);

export const orcaIngest = counter("koi_orca_ingest_total", "Orca webhook deliveries, by event and result.", [
  "event",
  "result",
]);
export const usageDollars = counter(
  "koi_usage_dollars_total",
  "US dollars of engine usage recorded from agent reports.",
);

export const usageRefusals = counter(
  "koi_usage_refused_total",
  "Usage lines of agent reports not billed because they cannot be true, by component.",
  ["component"],
);
