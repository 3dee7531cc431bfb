import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TTunaScalingPolicyWire } from "@koi/contracts";

const run = promisify(execFile);

/**
 * Tuna takes its scaling policy as a YAML file (`tuna deploy --scaling-policy file.yaml`; for a
 * running service, the same file through whatever re-applies it, e.g. a `sky serve update`
 * wrapper). The operator gives that command with `{file}` where the path goes (and `{variant}`
 * for the GPU type of the spot service it is for); the policy is written as JSON, which is YAML
 * too, with Tuna's keys and integer values only.
 */
export async function runScalingPolicyCommand(
  argv: readonly string[],
  policy: TTunaScalingPolicyWire,
  variant: string,
  timeoutMs = 120_000,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "koi-tuna-policy-"));
  const file = join(dir, "scaling-policy.yaml");
  try {
    await writeFile(file, `${JSON.stringify(policy, null, 2)}\n`, { mode: 0o600 });
    return await runOperatorCommand(argv, { file, variant }, timeoutMs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs an operator's command without a shell, each `{name}` placeholder in it replaced by that value in `vars`.
 * The result is the last line the command printed (at most 300 characters), which an ack quotes.
 */
export async function runOperatorCommand(
  argv: readonly string[],
  vars: Record<string, string>,
  timeoutMs = 120_000,
): Promise<string> {
  const [cmd, ...args] = argv.map((a) => a.replace(/\{(\w+)\}/g, (all, name: string) => vars[name] ?? all));
  if (!cmd) throw new Error("the command is empty");
  const { stdout } = await run(cmd, args, { timeout: timeoutMs, maxBuffer: 1 << 20 });
  return stdout.trim().split("\n").at(-1)?.slice(0, 300) ?? "";
}

export function describePolicy(p: TTunaScalingPolicyWire): string {
  return `spot ${p.spot.min_replicas}–${p.spot.max_replicas} replicas at ${p.spot.target_qps} QPS each, serverless concurrency ${p.serverless.concurrency} on ≤ ${p.serverless.workers_max} workers`;
}
