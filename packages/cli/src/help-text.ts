// What `koi <command> --help` prints: flags with their defaults, the file formats, an example and where to read more.
// The reference is docs/planner.md; these texts are the part a person needs at the terminal.

export const DOCS = "docs/planner.md";

const CONNECTION_FLAGS = `  --koi-url URL      Koi's address (default: $KOI_URL), e.g. http://localhost:3000
  --api-key KEY      an API key from Settings → API keys (default: $KOI_API_KEY)`;

const WORKLOAD_FORMAT = `Workload file (JSON, unknown keys are errors):
  batch:  {"kind": "batch", "model": "meta-llama/Llama-3.1-70B-Instruct", "requests": 10000,
           "avgInputTokens": 1000, "avgOutputTokens": 300, "deadlineHours": 2}
  online: {"kind": "online", "model": "meta-llama/Llama-3.1-8B-Instruct", "requestsPerSecond": 20,
           "avgInputTokens": 800, "avgOutputTokens": 200, "ttftP95Ms": 1000, "tpotP95Ms": 80}
  optional: "priority" (low|normal|high|urgent), "precision" (bf16|fp8|int4), "architecture"`;

export const PLAN_HELP = `koi plan: choose the cheapest GPUs that meet a workload's deadline or latency targets (offline).

Flags:
  --workload FILE    the workload (JSON, format below)                        required
  --capacity FILE    the GPU pools you can use (JSON, format below)           required
  --margin F         head-room over the predicted throughput                  default 0.15
  --max-gpus N       never use more than N GPUs
  --budget USD       batch: total dollars; online: dollars per hour
  --markets LIST     only these markets: on-demand,spot,reserved,on-prem,serverless
  --disaggregate     allow separate prefill and decode replicas
  --json             print the plan as JSON instead of a table

${WORKLOAD_FORMAT}

Capacity file (JSON):
  {"pools": [{"id": "use1-h100-od", "gpuType": "H100-SXM", "market": "on-demand",
              "available": 16, "pricePerGpuHour": 6.88, "region": "us-east-1"}]}
  optional per pool: "name", "quota", "cluster", "region", "replicaSizes", "shape" (whole machines)

Example (from the repository root):
  npx koi plan --workload packages/cli/examples/batch-workload.json \\
               --capacity packages/cli/examples/capacity.json

An infeasible plan still exits 0 and says why. Bad input: one line naming the field, exit 2.
Full formats and the plan's JSON: ${DOCS} ("JSON formats").`;

export const PERF_HELP = `koi perf: predict throughput and latency of one replica of a model on a GPU (offline).

Flags:
  --model M          Hugging Face id or short name (llama-3.1-70b)            required
  --gpu G            catalog id or alias (H100, A100, L40S, "NVIDIA H100 80GB HBM3")  required
  --input N          mean prompt tokens                                        required
  --output N         mean generated tokens                                     required
  --tp N             tensor-parallel GPUs                                      default 1
  --pp N             pipeline stages                                           default 1
  --nodes N          machines                                  default as few as hold the GPUs
  --requests N       a finite job of N prompts: also prints the whole job's seconds
  --batch N          concurrency                  default the most the KV cache and engine allow
  --max-num-seqs N   the engine's sequence limit
  --cuda-graphs on|off
  --engine "vllm 0.10.0"
  --precision bf16|fp8|int4                   default the published precision (e.g. "…-FP8")
  --rows FILE.csv    one prediction per CSV row, printed as one JSON object per line
  --json             print JSON instead of a table

Example:
  npx koi perf --model meta-llama/Llama-3.1-70B-Instruct --gpu H100-SXM --tp 4 --input 1000 --output 300

Columns of --rows files and what the figures mean: ${DOCS} ("Performance model").`;

export const SUBMIT_HELP = `koi submit: send a workload to Koi; prints its id.

Flags:
  --workload FILE    the workload (JSON, format below)                        required
${CONNECTION_FLAGS}
  --json             print the server's workload view

${WORKLOAD_FORMAT}
  submit also takes "name", "budgetUsd", "allowedMarkets" and "input".

The file is checked with Koi's own schema before anything is sent. Example:
  export KOI_URL=http://localhost:3000 KOI_API_KEY=koi_live_…
  npx koi submit --workload packages/cli/examples/batch-workload.json

More: ${DOCS} ("Talking to Koi").`;

export const STATUS_HELP = `koi status: progress, forecast and cost of a workload.

Flags:
  <workload-id>      the id koi submit printed (wl_…)                         required
  --watch            keep updating until the workload finishes (redrawn in place on a terminal)
  --interval S       seconds between updates with --watch                     default 2
${CONNECTION_FLAGS}
  --json             one JSON workload view per update

Exit code with --watch: 0 when COMPLETED or CANCELLED, 1 when FAILED. Example:
  npx koi status wl_8h2k… --watch

More: ${DOCS} ("Talking to Koi").`;

export const CANCEL_HELP = `koi cancel: stop a workload's engine job; cancelling a finished workload changes nothing.

Flags:
  <workload-id>      the workload to cancel (wl_…)                            required
${CONNECTION_FLAGS}
  --json             print the server's workload view

Example:
  npx koi cancel wl_8h2k…

More: ${DOCS} ("Talking to Koi").`;

export const OVERVIEW_EXAMPLES = `Examples:
  npx koi plan --workload packages/cli/examples/batch-workload.json --capacity packages/cli/examples/capacity.json
  npx koi perf --model llama-3.1-8b --gpu L4 --input 800 --output 200
  KOI_URL=http://localhost:3000 KOI_API_KEY=koi_live_… npx koi submit --workload my-job.json

"koi <command> --help" explains a command's flags and file formats. Reference: ${DOCS}.
Exit codes: 0 ok, 2 bad input (one line naming what is wrong), 1 unexpected failure or Koi unreachable.`;
