/**
 * Next.js calls this once when a server process starts: OpenTelemetry tracing when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/operations.md), nothing otherwise.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || !process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  const { startTracing } = await import("@koi/core/tracing/start-tracing");
  startTracing(process.env.OTEL_SERVICE_NAME ?? "koi-web");
}
