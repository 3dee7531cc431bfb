import { realisticInstance } from "./bench/bench-decision-time.ts";
import { selectGpusWith, selectionProblem } from "./src/select/select-gpus.ts";
import { pruneDominated } from "./src/select/build-candidates.ts";
import { loadHighs } from "./src/select/selection-milp.ts";
const highs = await loadHighs();
const rows = [];
for (let seed = 0; seed < 60; seed++) {
  const { workload, pools, disaggregate } = realisticInstance(seed);
  const t0 = performance.now();
  const prob = selectionProblem(workload, { pools }, { allowDisaggregation: disaggregate });
  const t1 = performance.now();
  (globalThis as any).__runs = [];
  const plan = selectGpusWith(highs, workload, { pools }, { allowDisaggregation: disaggregate });
  const t2 = performance.now();
  const runs = (globalThis as any).__runs as number[];
  rows.push([seed, workload.kind, disaggregate, prob.report.candidates.length, pruneDominated(prob.report.candidates).length, (t1-t0).toFixed(1), (t2-t1).toFixed(1), runs.length, runs.reduce((a,b)=>a+b,0).toFixed(1), plan.feasible]);
}
rows.sort((a: any, b: any) => Number(b[6]) - Number(a[6]));
for (const r of rows.slice(0, 15)) console.log(r.join("\t"));
