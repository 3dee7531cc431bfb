import { ZCommandsQuery, type TCommandsResponse } from "@koi/contracts/agent/commands";
import { pollCommands } from "@koi/services/agents/lease-commands";
import { toCommandMessage } from "@koi/services/agents/to-command-message";
import { badRequest } from "@/lib/api-v1/api-error-response";
import { singleQueryValue } from "@/lib/api-v1/single-query-value";
import { withApiKey } from "@/lib/api-v1/with-api-key";

/** Long-poll: `?wait=` seconds (0–60, held at most 30); answers as soon as a command is written for this agent. */
export const GET = withApiKey(
  async ({ request, key, params }) => {
    const url = new URL(request.url);
    singleQueryValue(url, "wait");
    const query = ZCommandsQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success)
      throw badRequest("wait must be an integer number of seconds from 0 to 60 (a poll is held at most 30 s).", {
        wait: query.error.issues[0]?.message ?? "invalid",
      });
    const commands = await pollCommands(key.orgId, params.agentId!, Math.min(query.data.wait ?? 0, 30), request.signal);
    const body: TCommandsResponse = { commands: commands.map(toCommandMessage) };
    return Response.json(body);
  },
  { scope: "engine", longPoll: true },
);

/**
 * Next.js answers HEAD by running GET, which would claim the agent's commands into a body HEAD
 * never sends: they would wait out their lease before the agent saw them. Polling is GET only.
 */
export const HEAD = () => new Response(null, { status: 405, headers: { allow: "GET, OPTIONS" } });
/** Next.js's own OPTIONS would list HEAD, which answers 405 above. */
export const OPTIONS = () => new Response(null, { status: 204, headers: { allow: "GET, OPTIONS" } });
