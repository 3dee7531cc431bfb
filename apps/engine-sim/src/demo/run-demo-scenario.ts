// The demo's story, played against a running Koi through its public REST API (start.sh runs it
// once the agents are online). Keys come from .koi/demo/keys.json (scripts/lib/demo-agent-keys.ts).
//
//   node --import tsx src/demo/run-demo-scenario.ts [--koi-url http://localhost:3000] [--keys ../../.koi/demo/keys.json]
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { formatDuration, progressBar } from "@koi/cli/format-progress";
import type { TWorkloadView } from "@koi/contracts";
import { KoiClient, KoiHttpError } from "@koi/sdk";
import { DEMO_STORY, type TStoryStep } from "./demo-story.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const keys = JSON.parse(readFileSync(arg("keys", "../../.koi/demo/keys.json"), "utf8")) as { scenario?: string };
if (!keys.scenario) throw new Error("no scenario key in keys.json: run scripts/lib/demo-agent-keys.ts first");
const koi = new KoiClient({
  baseUrl: arg("koi-url", "http://localhost:3000"),
  apiKey: keys.scenario,
  // A script calling the REST API, not `koi`: Koi labels its workloads "via the API".
  userAgent: "koi-demo-scenario/1",
  maxAttempts: 1,
});
const runId = randomUUID().slice(0, 8);

/** Waits until the agents' inventory makes the first story step plannable. */
async function waitForCapacity(step: TStoryStep): Promise<void> {
  for (let i = 0; i < 60; i++) {
    try {
      const plan = await koi.previewPlan(step.submission);
      if (plan.feasible) {
        say(
          `(a) Koi's dry run for "${step.submission.name}": ${plan.gpus} GPUs at $${plan.costPerHour.toFixed(2)}/h on ${plan.engine}. ${plan.reason}`,
        );
        return;
      }
    } catch (error) {
      if (!(error instanceof KoiHttpError) || error.status >= 500) say(`waiting for Koi: ${(error as Error).message}`);
    }
    await sleep(3000);
  }
  say("the agents' capacity never made the plan feasible; submitting anyway");
}

function line(w: TWorkloadView): string {
  const bar =
    w.kind === "batch" ? `${progressBar(w.progress.total ? w.progress.completed / w.progress.total : 0, 20)} ` : "";
  const eta =
    w.forecast?.p50 && w.status === "RUNNING" ? ` ETA ${formatDuration(Date.parse(w.forecast.p50) - Date.now())}` : "";
  return `${w.name.padEnd(34).slice(0, 34)} ${w.status.padEnd(11)} ${w.health.padEnd(8)} ${bar}$${w.costUsd.toFixed(2)}${eta}${w.statusDetail ? ` · ${w.statusDetail}` : ""}`;
}

const started = Date.now();
const submitted = new Map<string, { step: TStoryStep; last: TWorkloadView }>();
await waitForCapacity(DEMO_STORY[0]!);
const pending = [...DEMO_STORY];
let lastTable = 0;
for (;;) {
  const elapsed = (Date.now() - started) / 1000;
  while (pending[0] && pending[0].atSeconds <= elapsed) {
    const step = pending.shift()!;
    try {
      const w = await koi.submitWorkload(step.submission, `demo-${runId}-${step.id}`);
      submitted.set(w.id, { step, last: w });
      say(`${step.label}: submitted ${w.id} "${w.name}". ${step.expect}`);
    } catch (error) {
      say(
        `${step.label}: submit failed: ${error instanceof KoiHttpError ? error.describe() : (error as Error).message}`,
      );
    }
  }
  for (const [id, entry] of submitted) {
    try {
      const w = await koi.getWorkload(id);
      const was = entry.last;
      if (w.status !== was.status)
        say(
          `${entry.step.label}: ${w.name} ${was.status} → ${w.status}${w.engine ? ` on ${w.engine}` : ""}${w.statusDetail ? ` (${w.statusDetail})` : ""}`,
        );
      // Koi explains what it did (scaled, paused, resumed, waiting) in the status detail.
      else if (w.statusDetail && w.statusDetail !== was.statusDetail)
        say(`${entry.step.label}: ${w.name}: ${w.statusDetail}`);
      if (w.health !== was.health)
        say(
          `${entry.step.label}: ${w.name} health ${was.health} → ${w.health}${w.forecast?.explanation ? `: ${w.forecast.explanation}` : ""}`,
        );
      entry.last = w;
    } catch (error) {
      say(`status of ${id} failed: ${(error as Error).message}`);
    }
  }
  // A table every 30 s for the first ten minutes, then every 5 minutes: the story is told by then.
  if (Date.now() - lastTable > (elapsed < 600 ? 30_000 : 300_000) && submitted.size) {
    lastTable = Date.now();
    say(`— ${formatDuration(Date.now() - started)} into the demo —`);
    for (const { last } of submitted.values()) say(`  ${line(last)}`);
  }
  await sleep(5000);
}
