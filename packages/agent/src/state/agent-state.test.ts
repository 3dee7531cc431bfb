import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AgentState, type TAssignmentRecord } from "./agent-state.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function state(): Promise<AgentState> {
  const dir = await mkdtemp(join(tmpdir(), "koi-agent-state-"));
  dirs.push(dir);
  return AgentState.open(dir);
}

const assignment = (assignmentId: string, finalReported: boolean): TAssignmentRecord => ({
  assignmentId,
  epoch: 1,
  adapter: "orca",
  engineRef: "mo-llama70b-a3f7",
  state: finalReported ? "completed" : "running",
  adapterState: {},
  nextSeq: 0,
  finalReported,
  updatedAt: new Date().toISOString(),
});

describe("AgentState.assignmentByEngineRef", () => {
  it("finds the live assignment when a finished one holds the same Orca job id", async () => {
    // Orca's job ids carry 16 random bits per model, so a later job can reuse an earlier one's.
    const s = await state();
    s.data.assignments.asg_old = assignment("asg_old", true);
    s.data.assignments.asg_new = assignment("asg_new", false);
    expect(s.assignmentByEngineRef("mo-llama70b-a3f7")?.assignmentId).toBe("asg_new");
  });

  it("still finds a finished assignment when it is the only one, and nothing for an unknown id", async () => {
    const s = await state();
    s.data.assignments.asg_old = assignment("asg_old", true);
    expect(s.assignmentByEngineRef("mo-llama70b-a3f7")?.assignmentId).toBe("asg_old");
    expect(s.assignmentByEngineRef("mo-other-0000")).toBeUndefined();
  });
});
