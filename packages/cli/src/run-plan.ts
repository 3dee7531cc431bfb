import { ZMarket, ZWorkloadSubmission, workloadOf, type TWorkloadSubmission } from "@koi/contracts";
import { parseCapacity, parseWith, selectGpus, type TPlan, type TSelectOptions } from "@koi/planner";
import { formatTable, numberFlag, parseFlags, readJsonFile, requireFlag, UsageError, type TCliIo } from "./cli-io.ts";

export const PLAN_USAGE =
  "koi plan --workload W.json --capacity C.json [--margin 0.15] [--max-gpus N] [--budget $] [--markets spot,on-demand] [--disaggregate] [--json]\n  W.json is what `koi submit` sends; its budgetUsd, allowedMarkets and allowDisaggregation apply unless a flag says otherwise";

const money = (v: number) => `$${v.toFixed(2)}`;

/**
 * The planner's options: flags, else what the workload file says (the file `koi submit` sends, so
 * its budgetUsd, allowedMarkets and allowDisaggregation plan as they would in Koi).
 */
function options(flags: ReturnType<typeof parseFlags>, file: TWorkloadSubmission): TSelectOptions {
  const markets = flags.values.get("markets");
  const allowedMarkets = markets?.split(",").map((m) => {
    const parsed = ZMarket.safeParse(m.trim());
    if (!parsed.success) throw new UsageError(`--markets: "${m}" is not one of ${ZMarket.options.join(", ")}`);
    return parsed.data;
  });
  return {
    safetyMargin: numberFlag(flags, "margin", { min: 0 }),
    maxGpus: numberFlag(flags, "max-gpus", { integer: true, min: 1 }),
    budget: numberFlag(flags, "budget", { min: 0 }) ?? file.budgetUsd,
    allowedMarkets: allowedMarkets ?? file.allowedMarkets,
    allowDisaggregation: flags.switches.has("disaggregate") || file.allowDisaggregation === true,
  };
}

function printPlan(plan: TPlan, io: TCliIo): void {
  io.out(`${plan.feasible ? "Feasible" : "INFEASIBLE"} ${plan.kind} plan, engine ${plan.engine}`);
  if (plan.replicas.length > 0) {
    const rows = plan.replicas.map((r) => [
      r.poolId,
      r.gpuType,
      r.market,
      String(r.tp),
      r.role,
      String(r.count),
      String(r.count * r.tp),
    ]);
    io.out(formatTable(["pool", "gpu", "market", "tp", "role", "replicas", "gpus"], rows));
    const timing =
      plan.predictedHours !== undefined ? `, ${plan.predictedHours.toFixed(2)} h, ${money(plan.totalCost)} total` : "";
    const latency = plan.predictedLatency
      ? `, p95 TTFT ${plan.predictedLatency.ttftMs} ms, TPOT ${plan.predictedLatency.tpotMs} ms`
      : "";
    io.out(
      `${plan.gpus} GPU${plan.gpus === 1 ? "" : "s"}, ${money(plan.costPerHour)}/h${timing}${latency}, ${Math.round(plan.tokensPerSecond)} tok/s`,
    );
  }
  if (plan.binding) io.out(`Binding constraint: ${plan.binding.constraint} (${plan.binding.detail})`);
  if (plan.alternatives.length > 0) {
    io.out("Alternatives:");
    io.out(
      formatTable(
        ["cost", "delta", "plan"],
        plan.alternatives.map((a) => [money(a.totalCost), `+${money(a.costDelta)}`, a.summary]),
      ),
    );
  }
  io.out(`Why: ${plan.reason}`);
}

export async function runPlan(argv: readonly string[], io: TCliIo): Promise<number> {
  const flags = parseFlags(
    argv,
    ["workload", "capacity", "margin", "max-gpus", "budget", "markets"],
    ["json", "disaggregate"],
  );
  const workloadPath = requireFlag(flags, "workload");
  const capacityPath = requireFlag(flags, "capacity");
  const file = parseWith(ZWorkloadSubmission, "workload", readJsonFile(io, workloadPath));
  const capacity = parseCapacity(readJsonFile(io, capacityPath));
  const plan = await selectGpus(workloadOf(file), capacity, options(flags, file));
  if (flags.switches.has("json")) io.out(JSON.stringify(plan, null, 2));
  else printPlan(plan, io);
  return 0;
}
