import type { TAssignmentRecord } from "../state/agent-state.ts";

/** An assignment as the agent's state holds it, running at epoch 1 (tests only). */
export function assignmentRecord(
  adapter: TAssignmentRecord["adapter"],
  assignmentId: string,
  over: Partial<TAssignmentRecord> = {},
): TAssignmentRecord {
  return {
    assignmentId,
    epoch: 1,
    adapter,
    engineRef: null,
    state: "running",
    adapterState: {},
    nextSeq: 0,
    finalReported: false,
    updatedAt: "",
    ...over,
  };
}
