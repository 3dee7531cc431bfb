import type { TWorkloadSubmission } from "@koi/contracts";

/** One submission of the demo story, `atSeconds` after the agents' capacity is visible. */
export type TStoryStep = {
  id: string;
  label: string;
  atSeconds: number;
  expect: string;
  submission: TWorkloadSubmission & { name: string };
};

const LLAMA_70B = "meta-llama/Llama-3.1-70B-Instruct";

/**
 * Input already split into chunks in the customer's bucket, as Orca's CLI leaves it: Orca reports
 * progress per finished chunk, so 100 chunks let the forecaster see the real rate within minutes.
 */
function chunkedInput(name: string, requests: number, chunks = 100) {
  const lines = Math.ceil(requests / chunks);
  return {
    uri: `s3://acme-demo/${name}/prompts.jsonl`,
    chunks: Array.from({ length: chunks }, (_, i) => ({
      chunkId: `c${String(i).padStart(4, "0")}`,
      uri: `s3://acme-demo/${name}/chunks/c${String(i).padStart(4, "0")}.jsonl`,
      lines: Math.min(lines, requests - i * lines),
    })).filter((c) => c.lines > 0),
  };
}

/**
 * The story of the demo (README "The demo"). orca-east (16 × H100 spot) runs at 0.3× the perf
 * model (engine-sim `throughputFactor`), so the big batch placed there on one 8-GPU replica falls
 * behind its forecast and has room to scale to two. orca-west (8 × A100 on-demand) takes the
 * on-demand-only work: the backfill fills it, so the urgent job can only run if the backfill lends.
 */
export const DEMO_STORY: TStoryStep[] = [
  {
    id: "big-batch",
    label: "(a)+(b)",
    atSeconds: 0,
    expect:
      "Koi picks the cheapest GPUs that meet 2 h, routes it to Orca; orca-east runs slower than predicted, so the forecast turns AT_RISK and Koi scales up.",
    submission: {
      name: "Nightly eval · 10k prompts",
      kind: "batch",
      model: LLAMA_70B,
      requests: 10_000,
      avgInputTokens: 3500,
      avgOutputTokens: 1000,
      deadlineHours: 2,
      priority: "high",
      input: chunkedInput("nightly-eval", 10_000, 400),
    },
  },
  {
    id: "chat",
    label: "(d)",
    atSeconds: 10,
    expect:
      "An online chat service on Tuna whose day runs in ten minutes: Koi forecasts its load and sets Tuna's scaling policy, moving it to a few spot L4s for the night and to L40S replicas for the afternoon peak, which eight L4s cannot carry (its workload page: rate and forecast band, p95s against the targets, replicas, decisions).",
    submission: {
      name: "Support chat (online)",
      kind: "online",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      // The afternoon peak of the simulator's daily curve (demo/tuna-chat.json).
      requestsPerSecond: 14,
      avgInputTokens: 400,
      avgOutputTokens: 150,
      ttftP95Ms: 2000,
      tpotP95Ms: 150,
    },
  },
  {
    id: "backfill",
    label: "(c)",
    atSeconds: 60,
    expect:
      "A low-priority backfill on on-demand GPUs with a 24 h deadline: it fills orca-west, and with plenty of slack it is the one Koi may pause.",
    submission: {
      name: "Embeddings backfill (low)",
      kind: "batch",
      model: LLAMA_70B,
      requests: 50_000,
      avgInputTokens: 1000,
      avgOutputTokens: 300,
      deadlineHours: 24,
      priority: "low",
      allowedMarkets: ["on-demand"],
      input: chunkedInput("embeddings-backfill", 50_000),
    },
  },
  {
    id: "urgent",
    label: "(c)",
    atSeconds: 150,
    expect:
      "An urgent job that must not run on spot: the on-demand GPUs are busy, so Koi pauses the low-priority backfill and resumes it once the urgent job is done.",
    submission: {
      name: "Urgent customer report",
      kind: "batch",
      model: LLAMA_70B,
      requests: 1_000,
      avgInputTokens: 1000,
      avgOutputTokens: 300,
      deadlineHours: 1,
      priority: "urgent",
      allowedMarkets: ["on-demand"],
      input: chunkedInput("urgent-report", 1_000, 20),
    },
  },
];
