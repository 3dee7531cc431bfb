import { realisticInstance } from "./bench/bench-decision-time.ts";
import { selectGpusWith, selectionProblem } from "./src/select/select-gpus.ts";
import { pruneDominated } from "./src/select/build-candidates.ts";
import { paretoSearch } from "./src/select/pareto-search.ts";
import { loadHighs } from "./src/select/selection-milp.ts";
const highs = await loadHighs();
const rows: any[] = [];
for (let seed = 0; seed < 100; seed++) {
  const { workload, pools, disaggregate } = realisticInstance(seed);
  if (disaggregate) continue;
  let c0 = process.cpuUsage();
  const prob = selectionProblem(workload, { pools }, {});
  const tBuild = process.cpuUsage(c0).user / 1000;
  const cands = pruneDominated(prob.report.candidates);
  c0 = process.cpuUsage();
  const a = paretoSearch(cands, prob.poolGpus, { kind: workload.kind, requiredRate: prob.requiredRate });
  const tPareto = process.cpuUsage(c0).user / 1000;
  c0 = process.cpuUsage();
  const plan = selectGpusWith(highs, workload, { pools }, {});
  const tAll = process.cpuUsage(c0).user / 1000;
  rows.push([seed, workload.kind, workload.model, cands.length, tBuild.toFixed(1), tPareto.toFixed(1), tAll.toFixed(1), plan.feasible, plan.binding?.constraint ?? ""]);
}
rows.sort((x, y) => Number(y[6]) - Number(x[6]));
for (const r of rows.slice(0, 10)) console.log(r.join("\t"));
