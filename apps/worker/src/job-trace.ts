// Trace context rides in a job's data under one reserved key, beside the catalog payload; the
// worker takes it off before the payload is validated (payload schemas are strict).
const KEY = "traceparent";

export function withTraceparent(payload: unknown, traceparent: string | null): unknown {
  if (!traceparent || !payload || typeof payload !== "object" || Array.isArray(payload)) return payload;
  return { ...payload, [KEY]: traceparent };
}

export function splitTraceparent(data: unknown): { payload: unknown; traceparent: string | null } {
  if (!data || typeof data !== "object" || Array.isArray(data) || !(KEY in data))
    return { payload: data, traceparent: null };
  const { [KEY]: traceparent, ...payload } = data as Record<string, unknown>;
  return { payload, traceparent: typeof traceparent === "string" ? traceparent : null };
}
