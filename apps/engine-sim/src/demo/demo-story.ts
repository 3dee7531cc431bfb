/** One submission of the demo story, `atSeconds` after the agents' capacity is visible. */
export type TStoryStep = { id: string; label: string; atSeconds: number; expect: string; submission: Record<string, unknown> & { name: string } };

const LLAMA_70B = "meta-llama/Llama-3.1-70B-Instruct";

/**
 * The story of the demo (README "The demo"). orca-east (H100 spot) runs at 0.55× the perf model
 * (engine-sim `throughputFactor`), so the big batch placed there falls behind its forecast.
 */
export const DEMO_STORY: TStoryStep[] = [
  {
    id: "big-batch",
    label: "(a)+(b)",
    atSeconds: 0,
    expect: "Koi picks the cheapest GPUs that meet 2 h, routes it to Orca; orca-east runs slower than predicted, so the forecast turns AT_RISK and Koi scales up.",
    submission: { name: "Nightly eval · 10k prompts", kind: "batch", model: LLAMA_70B, requests: 10_000, avgInputTokens: 3500, avgOutputTokens: 1000, deadlineHours: 2, priority: "high", input: { uri: "s3://acme-demo/nightly-eval/prompts.jsonl" } },
  },
  {
    id: "chat",
    label: "(d)",
    atSeconds: 10,
    expect: "An online service on Tuna: serverless serves while spot boots, then spot carries the load (Costs page: spot/serverless split and savings).",
    submission: { name: "Support chat (online)", kind: "online", model: "meta-llama/Llama-3.1-8B-Instruct", requestsPerSecond: 0.4, avgInputTokens: 800, avgOutputTokens: 200, ttftP95Ms: 2000, tpotP95Ms: 100 },
  },
  {
    id: "backfill",
    label: "(c)",
    atSeconds: 60,
    expect: "A low-priority backfill with a 24 h deadline: plenty of slack, so it is the one Koi may pause.",
    submission: { name: "Embeddings backfill (low)", kind: "batch", model: LLAMA_70B, requests: 50_000, avgInputTokens: 1000, avgOutputTokens: 300, deadlineHours: 24, priority: "low", allowedMarkets: ["spot"], input: { uri: "s3://acme-demo/embeddings-backfill/prompts.jsonl" } },
  },
  {
    id: "urgent",
    label: "(c)",
    atSeconds: 150,
    expect: "An urgent job on spot only: when the spot GPUs are busy, Koi pauses the low-priority backfill and resumes it once the urgent job is done.",
    submission: { name: "Urgent customer report", kind: "batch", model: LLAMA_70B, requests: 2_000, avgInputTokens: 1000, avgOutputTokens: 300, deadlineHours: 0.75, priority: "urgent", allowedMarkets: ["spot"], input: { uri: "s3://acme-demo/urgent-report/prompts.jsonl" } },
  },
];
