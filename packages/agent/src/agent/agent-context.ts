import type { TAckStatus, TLifecycleEvent } from "@koi/contracts";
import type { TEngineAdapter } from "../adapters/types.ts";
import type { KoiClient } from "@koi/sdk";
import type { TLogger } from "../logger.ts";
import type { Spool } from "../spool/spool.ts";
import type { AgentState } from "../state/agent-state.ts";

/** What the agent's parts share; the KoiAgent class owns it. */
export type TAgentContext = {
  state: AgentState;
  spool: Spool;
  client: KoiClient;
  adapters: readonly TEngineAdapter[];
  logger: TLogger;
  nowMs: () => number;
  enqueueAck: (
    command: { commandId: string; assignmentId: string; epoch: number },
    status: TAckStatus,
    detail: string,
    engineRef?: string,
  ) => Promise<void>;
  enqueueEvents: (events: TLifecycleEvent[]) => Promise<void>;
  /** One poll or command at a time per assignment (both rewrite its adapter state). */
  lockAssignment: <T>(assignmentId: string, work: () => Promise<T>) => Promise<T>;
};
