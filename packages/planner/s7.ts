import { realisticInstance } from "./bench/bench-decision-time.ts";
import { selectionProblem } from "./src/select/select-gpus.ts";
import { pruneDominated } from "./src/select/build-candidates.ts";
import { buildSelectionMilp, loadHighs } from "./src/select/selection-milp.ts";
import { paretoSearch } from "./src/select/pareto-search.ts";
import { planCostPerHour } from "./src/select/evaluate-plan.ts";
const highs = await loadHighs();
for (const seed of [5, 21, 44, 13, 32, 47, 50, 27]) {
  const { workload, pools, disaggregate } = realisticInstance(seed);
  if (workload.kind !== "online") continue;
  const prob = selectionProblem(workload, { pools }, { allowDisaggregation: true });
  const c = pruneDominated(prob.report.candidates);
  const co = paretoSearch(c, prob.poolGpus, { kind: "online", requiredRate: prob.requiredRate });
  const ub = co ? planCostPerHour(co) : Infinity;
  const out: any[] = [seed, c.length, ub.toFixed(2)];
  for (const o of [{}, { objective_bound: ub * (1 + 1e-9) }, { objective_bound: ub * (1 + 1e-9), mip_rel_gap: 1e-3 }]) {
    const milp = buildSelectionMilp(highs, c, { requiredRate: prob.requiredRate, poolGpus: prob.poolGpus });
    (globalThis as any).__opts = o;
    const c0 = process.cpuUsage();
    const r = milp.solve(c.map(x => x.pricePerHour), 0);
    const cpu = process.cpuUsage(c0);
    const cost = r.status === "optimal" ? r.counts.reduce((s, n, j) => s + n * c[j]!.pricePerHour, 0) : NaN;
    out.push(`${((cpu.user + cpu.system) / 1000).toFixed(0)}ms/${r.status}/${cost.toFixed(2)}`);
    milp.dispose();
  }
  console.log(out.join(" "));
}
