import { notFound } from "@koi/core/app-error";
import { prisma } from "@koi/db";

type TKey = { id: string; orgId: string };
type TOwner = { orgId: string; apiKeyId: string | null; at: number };

/**
 * How long a process trusts what it read about an agent's key. An agent changes keys only when it
 * registers again with a newer one (register-agent.ts), so this is how long the old key may still
 * act for it in other web processes.
 */
const OWNER_TTL_MS = 5_000;
const MAX_CACHED = 20_000;
// On globalThis: Koi's server loads this module for the heartbeat path and Next.js loads its own
// copy for the other routes; a registration forgetting an owner must reach both.
const holder = globalThis as unknown as {
  koiAgentOwners?: Map<string, TOwner>;
  koiAssignmentAgents?: Map<string, string>;
};
const agentOwners = (holder.koiAgentOwners ??= new Map<string, TOwner>());
/** An assignment never moves to another agent: its agent id is cached for good (bounded). */
const assignmentAgents = (holder.koiAssignmentAgents ??= new Map<string, string>());

function remember<V>(cache: Map<string, V>, id: string, value: V) {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(id, value);
}

async function ownerOf(agentId: string, nowMs: number): Promise<TOwner | null> {
  const cached = agentOwners.get(agentId);
  if (cached && nowMs - cached.at < OWNER_TTL_MS) return cached;
  const row = await prisma.agent.findUnique({ where: { id: agentId }, select: { orgId: true, apiKeyId: true } });
  if (!row) return null;
  const owner = { ...row, at: nowMs };
  remember(agentOwners, agentId, owner);
  return owner;
}

/**
 * NOT_FOUND unless `key` may act for the agent: an engine key acts only for the agents that
 * registered with it, so a key handed to one cluster cannot heartbeat, poll, acknowledge or report
 * for another cluster's agents. The answer is the same as for another tenant's agent. Agents
 * registered before keys were recorded (apiKeyId null) answer to any key of their org.
 */
export async function assertKeyActsForAgent(key: TKey, agentId: string, nowMs = Date.now()): Promise<void> {
  const owner = await ownerOf(agentId, nowMs);
  if (!owner || owner.orgId !== key.orgId || (owner.apiKeyId !== null && owner.apiKeyId !== key.id))
    throw notFound("No such agent.");
}

/** As `assertKeyActsForAgent`, for the agent an assignment was given to (NOT_FOUND: "No such assignment."). */
export async function assertKeyActsForAssignment(key: TKey, assignmentId: string, nowMs = Date.now()): Promise<void> {
  let agentId = assignmentAgents.get(assignmentId);
  if (!agentId) {
    const row = await prisma.assignment.findUnique({ where: { id: assignmentId }, select: { agentId: true } });
    if (!row) throw notFound("No such assignment.");
    agentId = row.agentId;
    remember(assignmentAgents, assignmentId, agentId);
  }
  await assertKeyActsForAgent(key, agentId, nowMs).catch(() => {
    throw notFound("No such assignment.");
  });
}

/** Forgets what this process read about an agent (after it registered again, possibly with another key). */
export function forgetAgentOwner(agentId: string): void {
  agentOwners.delete(agentId);
}
