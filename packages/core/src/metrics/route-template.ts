/**
 * The route as written in the app (`/api/v1/agents/[agentId]/heartbeat`) from a concrete path and
 * the params Next.js matched: a metric label must name the route, never the agent or workload id.
 */
export function routeTemplate(pathname: string, params: Record<string, string | string[] | undefined>): string {
  const names = new Map<string, string>();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v) names.set(v, name);
  }
  return pathname
    .split("/")
    .map((segment) => {
      const name = names.get(safeDecode(segment));
      return name ? `[${name}]` : segment;
    })
    .join("/");
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
