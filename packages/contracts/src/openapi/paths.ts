/** Every path of agent protocol v1, relative to the server root. The server must serve all of them. */
export const API_PREFIX = "/api/v1";

export const AGENT_PROTOCOL_PATHS = {
  register: `${API_PREFIX}/agents/register`,
  heartbeat: `${API_PREFIX}/agents/{agentId}/heartbeat`,
  commands: `${API_PREFIX}/agents/{agentId}/commands`,
  ack: `${API_PREFIX}/agents/{agentId}/commands/{commandId}/ack`,
  reports: `${API_PREFIX}/assignments/{assignmentId}/reports`,
  events: `${API_PREFIX}/agents/{agentId}/events`,
} as const;

/** Compatibility ingest: an unmodified Orca with `KOI_SERVICE_URL=<koi>/api/v1/orca` posts here. */
export const ORCA_INGEST_PREFIX = `${API_PREFIX}/orca`;

/** Fills `{name}` placeholders, URL-encoding each value. */
export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}
