import { realisticInstance } from "./bench/bench-decision-time.ts";
import { selectionProblem } from "./src/select/select-gpus.ts";
import { pruneDominated } from "./src/select/build-candidates.ts";
const seed = Number(process.argv[2] ?? 0);
const { workload, pools, disaggregate } = realisticInstance(seed);
const prob = selectionProblem(workload, { pools }, { allowDisaggregation: disaggregate });
const c = pruneDominated(prob.report.candidates);
console.log(JSON.stringify(workload), "R=", prob.requiredRate);
for (const x of c) console.log(x.poolId, x.gpuType, x.market, "tp", x.tp, x.role, "max", x.maxCount, "rate", x.rate.toFixed(4), "$", x.pricePerHour.toFixed(2), "ratio", (x.pricePerHour / x.rate).toFixed(3));
