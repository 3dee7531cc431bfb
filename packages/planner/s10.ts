import { realisticInstance } from "./bench/bench-decision-time.ts";
import { selectionProblem } from "./src/select/select-gpus.ts";
import { pruneDominated } from "./src/select/build-candidates.ts";
import { paretoSearch } from "./src/select/pareto-search.ts";
const seed = Number(process.argv[2] ?? 36);
const { workload, pools } = realisticInstance(seed);
const prob = selectionProblem(workload, { pools }, {});
const cands = pruneDominated(prob.report.candidates);
console.log(JSON.stringify(workload), prob.requiredRate);
(globalThis as any).__layers = [];
for (let i = 0; i < 3; i++) { const t = performance.now(); const a = paretoSearch(cands, prob.poolGpus, { kind: workload.kind, requiredRate: prob.requiredRate }); console.log((performance.now() - t).toFixed(1), a?.map(x => `${x.count}x${x.candidate.poolId}/${x.candidate.gpuType}tp${x.candidate.tp}`).join(" ")); }
console.log((globalThis as any).__layers.slice(0, 40).join(" "));
