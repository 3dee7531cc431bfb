import { randomUUID } from "node:crypto";
import {
  TERMINAL_WORKLOAD_STATUSES,
  ZWorkloadSubmission,
  type TWorkloadSubmission,
  type TWorkloadView,
} from "@koi/contracts";
import { parseWith } from "@koi/planner";
import { numberFlag, parseFlags, readJsonFile, requireFlag, UsageError, type TCliIo } from "./cli-io.ts";
import { connectToKoi } from "./connect-to-koi.ts";
import { formatStatus } from "./format-progress.ts";
import { eraseBlock } from "./redraw-in-place.ts";

const CONNECTION = "[--koi-url URL] [--api-key KEY]";
export const SUBMIT_USAGE = `koi submit --workload W.json ${CONNECTION} [--json]`;
export const STATUS_USAGE = `koi status <workload-id> [--watch] [--interval 2] ${CONNECTION} [--json]`;
export const CANCEL_USAGE = `koi cancel <workload-id> ${CONNECTION} [--json]`;
const VALUED = ["koi-url", "api-key"];

/** Checks the file against the API's own schema before anything is sent, naming the bad field the way `koi plan` does. */
function parseSubmissionFile(io: TCliIo, path: string): TWorkloadSubmission {
  try {
    return parseWith(ZWorkloadSubmission, "workload", readJsonFile(io, path));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${(error as Error).message} (in ${path})`);
  }
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
  const workload = await connectToKoi(flags, io).submitWorkload(submission, `cli-submit-${randomUUID()}`);
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
  const koi = connectToKoi(flags, io);
  const now = io.nowMs ?? Date.now;
  const json = flags.switches.has("json");
  const watch = flags.switches.has("watch");
  // JSON stays one object per line for scripts; a person at a terminal sees one block updated in place.
  const terminal = watch && !json ? io.terminal?.() : undefined;
  let shown: string[] = [];
  const print = (w: TWorkloadView) => {
    if (json) return io.out(JSON.stringify(w));
    const lines = formatStatus(w, now());
    if (!terminal) {
      if (shown.length > 0) io.out("");
      shown = lines;
      return io.out(lines.join("\n"));
    }
    const done = TERMINAL_WORKLOAD_STATUSES.includes(w.status);
    const block = done
      ? lines
      : [...lines, `updated ${new Date(now()).toISOString().slice(11, 19)} UTC · Ctrl-C to stop`];
    io.out(eraseBlock(shown, terminal.columns) + block.join("\n"));
    shown = block;
  };
  let workload = await koi.getWorkload(id);
  print(workload);
  if (!watch) return 0;
  const sleep = io.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  while (!TERMINAL_WORKLOAD_STATUSES.includes(workload.status)) {
    await sleep(intervalMs);
    workload = await koi.getWorkload(id);
    print(workload);
  }
  if (!json) io.out(`${workload.id} finished: ${workload.status}`);
  return workload.status === "FAILED" ? 1 : 0;
}

export async function runCancel(argv: readonly string[], io: TCliIo): Promise<number> {
  const flags = parseFlags(argv, VALUED, ["json"]);
  const id = onlyId(flags, CANCEL_USAGE);
  const workload = await connectToKoi(flags, io).cancelWorkload(id, `cli-cancel-${id}`);
  if (flags.switches.has("json")) io.out(JSON.stringify(workload, null, 2));
  else io.out(`${workload.id}: ${workload.status}${workload.statusDetail ? ` (${workload.statusDetail})` : ""}`);
  return 0;
}
