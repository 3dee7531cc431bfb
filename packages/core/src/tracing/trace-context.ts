import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Link,
  type Span,
} from "@opentelemetry/api";

export { SpanKind };

const tracer = () => trace.getTracer("koi");

/**
 * The active span's W3C `traceparent`, to store beside work that continues elsewhere (an outbox
 * row, a job, a command); null when tracing is off or no span is active.
 */
export function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/**
 * Runs `fn` in a new active span, ended when `fn` settles (errors recorded). With `parent`, the
 * span continues that stored trace instead of the active one.
 */
export function inSpan<T>(
  name: string,
  opts: { kind?: SpanKind; attributes?: Attributes; parent?: string | null; links?: Link[] },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = opts.parent ? propagation.extract(ROOT_CONTEXT, { traceparent: opts.parent }) : context.active();
  return tracer().startActiveSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes, links: opts.links },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** A finished zero-work span in a stored trace: marks a moment (a command handed to its agent). */
export function markInTrace(name: string, traceparent: string, attributes: Attributes = {}): void {
  const links: Link[] = [];
  const active = trace.getSpanContext(context.active());
  if (active) links.push({ context: active });
  tracer()
    .startSpan(name, { kind: SpanKind.INTERNAL, attributes, links }, propagation.extract(ROOT_CONTEXT, { traceparent }))
    .end();
}
