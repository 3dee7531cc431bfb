import { readFileSync } from "node:fs";
import { selectGpus } from "./src/select/select-gpus.ts";
import { parseWorkload, parseCapacity } from "./src/types.ts";
const cap = parseCapacity(JSON.parse(readFileSync("examples/capacity.json","utf8")));
for (const f of ["examples/batch-workload.json", "examples/online-workload.json"]) {
  const w = parseWorkload(JSON.parse(readFileSync(f,"utf8")));
  const ts: number[] = [];
  for (let i=0;i<30;i++){ const t=performance.now(); await selectGpus(w, cap, {allowDisaggregation: i%2===0}); ts.push(performance.now()-t); }
  ts.sort((a,b)=>a-b); console.log(f, ts.map(x=>x.toFixed(1)).join(" "));
}
