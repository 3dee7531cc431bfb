import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import type { TAckStatus, TAssignmentState, TPlacement, TWorkloadSpec } from "@koi/contracts";

/*
 * What the agent must remember across restarts, next to the spool: its installation id and agent
 * id, the assignments it holds (epoch, engine handle, report sequence, adapter bookkeeping) and the
 * outcome of every recent command so a redelivered command is acked again instead of re-run.
 */

export type TAssignmentRecord = {
  assignmentId: string;
  epoch: number;
  adapter: "orca" | "tuna";
  engineRef: string | null;
  state: TAssignmentState;
  decisionId?: string;
  workload?: TWorkloadSpec;
  placement?: TPlacement;
  /** Adapter-owned JSON: usage accumulators, router baselines, the replica count before a pause… */
  adapterState: Record<string, unknown>;
  /** Next report seq for this epoch; persisted before the report is spooled, so a restart never reuses one. */
  nextSeq: number;
  finalReported: boolean;
  updatedAt: string;
};

export type TCommandRecord = {
  status: TAckStatus | "executing";
  detail: string;
  engineRef?: string;
  assignmentId: string;
  epoch: number;
  at: string;
};

export type TAgentStateData = {
  version: 1;
  instanceId: string;
  agentId: string | null;
  assignments: Record<string, TAssignmentRecord>;
  commands: Record<string, TCommandRecord>;
};

const MAX_COMMANDS = 2000;

export class AgentState {
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: string,
    readonly data: TAgentStateData,
  ) {}

  static async open(dir: string): Promise<AgentState> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, "state.json");
    let data: TAgentStateData;
    try {
      data = JSON.parse(await readFile(file, "utf8")) as TAgentStateData;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        throw new Error(`cannot read ${file}: ${(error as Error).message}`);
      data = { version: 1, instanceId: `inst_${randomUUID()}`, agentId: null, assignments: {}, commands: {} };
    }
    const state = new AgentState(file, data);
    await state.save();
    return state;
  }

  /** Atomic replace (write, fsync, rename); saves never interleave. */
  save(): Promise<void> {
    const run = this.chain.then(async () => {
      const ids = Object.keys(this.data.commands);
      for (const id of ids.slice(0, Math.max(0, ids.length - MAX_COMMANDS))) delete this.data.commands[id];
      const tmp = `${this.file}.tmp`;
      const handle = await open(tmp, "w");
      try {
        await handle.writeFile(JSON.stringify(this.data));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.file);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * The assignment an engine knows as `engineRef`: the live one first, since Orca's job ids repeat
   * across jobs (16 random bits per model) and a finished job may hold the same id.
   */
  assignmentByEngineRef(engineRef: string): TAssignmentRecord | undefined {
    const holders = Object.values(this.data.assignments).filter((a) => a.engineRef === engineRef);
    return holders.find((a) => !a.finalReported) ?? holders[0];
  }

  assignmentByDecision(decisionId: string): TAssignmentRecord | undefined {
    return Object.values(this.data.assignments).find((a) => a.decisionId === decisionId);
  }
}
