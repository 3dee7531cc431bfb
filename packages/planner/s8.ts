import { realisticInstance } from "./bench/bench-decision-time.ts";
import { selectGpusWith } from "./src/select/select-gpus.ts";
import { loadHighs } from "./src/select/selection-milp.ts";
const highs = await loadHighs();
const res: Record<string, number[]> = { co: [], dis: [] };
for (let seed = 0; seed < 100; seed++) {
  const { workload, pools, disaggregate } = realisticInstance(seed);
  const c0 = process.cpuUsage();
  selectGpusWith(highs, workload, { pools }, { allowDisaggregation: disaggregate });
  const c = process.cpuUsage(c0); res[disaggregate ? "dis" : "co"]!.push((c.user + c.system) / 1000);
}
const q = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.ceil(p * a.length) - 1]!.toFixed(1);
for (const k of ["co", "dis"]) console.log(k, res[k]!.length, "cpu p50", q(res[k]!, .5), "p90", q(res[k]!, .9), "p99", q(res[k]!, .99));
