import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ZMarket, ZWorkload } from "@koi/contracts";
import { parseWith } from "@koi/planner";
import { numberFlag, parseFlags, readJsonFile, requireFlag, UsageError, type TCliIo } from "./cli-io.ts";
import { formatStatus } from "./format-progress.ts";
import { connectionFrom, KoiClient, TERMINAL_STATUSES, type TRemoteWorkload } from "./koi-http-client.ts";

const CONNECTION = "[--koi-url URL] [--api-key KEY]";
export const SUBMIT_USAGE = `koi submit --workload W.json ${CONNECTION} [--json]`;
export const STATUS_USAGE = `koi status <workload-id> [--watch] [--interval 2] ${CONNECTION} [--json]`;
export const CANCEL_USAGE = `koi cancel <workload-id> ${CONNECTION} [--json]`;
const VALUED = ["koi-url", "api-key"];

// The submission's fields beyond the planner workload (ZWorkloadSubmission in @koi/contracts, which
// depends on the planner and so cannot be imported here); the server validates everything again.
const ZSubmissionExtras = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  budgetUsd: z.number().positive().max(10_000_000).optional(),
  allowedMarkets: z.array(ZMarket).min(1).max(5).optional(),
});

/** Checks the file before anything is sent, naming the bad field the way `koi plan` does. */
export function parseSubmissionFile(io: TCliIo, path: string): Record<string, unknown> {
  const value = readJsonFile(io, path);
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new UsageError(`${path}: a workload must be a JSON object`);
  const { name, budgetUsd, allowedMarkets, ...workload } = value as Record<string, unknown>;
  const extras = ZSubmissionExtras.safeParse(
    Object.fromEntries(Object.entries({ name, budgetUsd, allowedMarkets }).filter(([, v]) => v !== undefined)),
  );
  if (!extras.success) {
    const issue = extras.error.issues[0];
    throw new UsageError(`invalid workload in ${path}: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  try {
    parseWith(ZWorkload, "workload", workload);
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (in ${path})`);
  }
  return value as Record<string, unknown>;
}

function client(flags: ReturnType<typeof parseFlags>, io: TCliIo): KoiClient {
  return new KoiClient(connectionFrom(flags, io.env ?? {}), io.fetch ?? fetch);
}

function onlyId(flags: ReturnType<typeof parseFlags>, usage: string): string {
  const [id, extra] = flags.positional;
  if (!id) throw new UsageError(`missing the workload id: ${usage}`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  return id;
}

export async function runSubmit(argv: readonly string[], io: TCliIo): Promise<number> {
  const flags = parseFlags(argv, ["workload", ...VALUED], ["json"]);
  const path = requireFlag(flags, "workload");
  const submission = parseSubmissionFile(io, path);
  const workload = await client(flags, io).submit(submission, `cli-submit-${randomUUID()}`);
  if (flags.switches.has("json")) {
    io.out(JSON.stringify(workload, null, 2));
    return 0;
  }
  io.out(`Submitted ${workload.id}: ${workload.name} (${workload.status})`);
  io.out(`Follow it: koi status ${workload.id} --watch`);
  return 0;
}

export async function runStatus(argv: readonly string[], io: TCliIo): Promise<number> {
  const flags = parseFlags(argv, ["interval", ...VALUED], ["watch", "json"]);
  const id = onlyId(flags, STATUS_USAGE);
  const intervalMs = (numberFlag(flags, "interval", { min: 0.2 }) ?? 2) * 1000;
  const koi = client(flags, io);
  const now = io.nowMs ?? Date.now;
  const print = (w: TRemoteWorkload) => {
    if (flags.switches.has("json")) io.out(JSON.stringify(w));
    else io.out(formatStatus(w, now()).join("\n"));
  };
  let workload = await koi.get(id);
  print(workload);
  if (!flags.switches.has("watch")) return 0;
  const sleep = io.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  while (!TERMINAL_STATUSES.has(workload.status)) {
    await sleep(intervalMs);
    workload = await koi.get(id);
    if (!flags.switches.has("json")) io.out("");
    print(workload);
  }
  if (!flags.switches.has("json")) io.out(`${workload.id} finished: ${workload.status}`);
  return workload.status === "FAILED" ? 1 : 0;
}

export async function runCancel(argv: readonly string[], io: TCliIo): Promise<number> {
  const flags = parseFlags(argv, VALUED, ["json"]);
  const id = onlyId(flags, CANCEL_USAGE);
  const workload = await client(flags, io).cancel(id, `cli-cancel-${id}`);
  if (flags.switches.has("json")) io.out(JSON.stringify(workload, null, 2));
  else io.out(`${workload.id}: ${workload.status}${workload.statusDetail ? ` (${workload.statusDetail})` : ""}`);
  return 0;
}
