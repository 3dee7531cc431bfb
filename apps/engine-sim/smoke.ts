import { createServer } from "node:http";
import { startEngineSim } from "./src/index.ts";
const events: any[] = [];
const recv = createServer((req, res) => { let b = ""; req.on("data", (c) => (b += c)); req.on("end", () => { events.push({ path: req.url, auth: req.headers.authorization, body: JSON.parse(b) }); res.end("{}"); }); });
await new Promise<void>((r) => recv.listen(0, "127.0.0.1", () => r()));
const port = (recv.address() as any).port;
const sim = await startEngineSim({ orcaPort: 0, tunaPort: 0, speed: 3600, tickMs: 20, seed: 1, orca: { koiServiceUrl: `http://u:p@127.0.0.1:${port}/hooks`, outboxTimeScale: 0.01, apiKey: "k" } });
const body = { user_id: "u", input_file: "s3://b/x.jsonl", output_file: "o.jsonl", num_lines: 4000, avg_input_tokens: 1000, avg_output_tokens: 200, description: "d", task_type: "batch", task_priority: "normal", model_name: "meta-llama/Llama-3.1-8B-Instruct", engine: "vllm", slo_mode: "batch", placement: "user_specified", placement_solver: "user_specified", gpu_type: "L40S", tp_size: 1, pp_size: 1, planned_market: "spot", replicas: 2, force: true, chunks: Array.from({length: 8}, (_, i) => ({ chunk_id: `c000${i}`, s3_input_path: `s3://b/c${i}`, num_lines: 500 })), koi_decision_id: "dec-1", koi_predicted_tps: 3000 };
const r = await fetch(`${sim.orcaUrl}/submit/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const j = await r.json() as any; console.log(r.status, j);
for (let i = 0; i < 30; i++) {
  await new Promise((res) => setTimeout(res, 200));
  const job = await (await fetch(`${sim.orcaUrl}/job/${j.job_id}`)).json() as any;
  const p = await (await fetch(`${sim.orcaUrl}/job/${j.job_id}/chunks/progress`, { headers: { authorization: "Bearer k" } })).json();
  const m = await fetch(`${sim.orcaUrl}/job/${j.job_id}/metrics`);
  console.log(i, job.status, job.progress, JSON.stringify(p), m.status, m.status === 200 ? ((await m.json()) as any).avg_generation_throughput_toks_per_s : "");
  if (job.status === "succeeded") break;
}
await new Promise((res) => setTimeout(res, 500));
console.log(events.map((e) => `${e.path} ${e.body.event_id} ${e.body.job_id} ${e.body.phase ?? ""} ${e.auth}`).join("\n"));
console.log(JSON.stringify(await (await fetch(`${sim.orcaUrl}/resources`)).json()).slice(0, 800));
console.log(JSON.stringify(await (await fetch(`${sim.orcaUrl}/quota/status`)).json()));
await sim.close(); recv.close();
