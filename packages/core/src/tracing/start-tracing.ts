import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { NodeSDK } from "@opentelemetry/sdk-node";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";

export type TTracing = { shutdown(): Promise<void> };

/**
 * Starts OpenTelemetry tracing for this process when OTEL_EXPORTER_OTLP_ENDPOINT is set (spans
 * go there by OTLP/HTTP, batched) or when span processors are given (tests); otherwise does
 * nothing, and every span Koi opens is the API's no-op. Metrics stay with Prometheus and logs
 * with pino, so the SDK gets neither metric readers nor log processors.
 */
export function startTracing(
  serviceName: string,
  opts: { spanProcessors?: SpanProcessor[]; endpoint?: string | undefined } = {},
): TTracing | null {
  const endpoint = opts.endpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!opts.spanProcessors && !endpoint) return null;
  const sdk = new NodeSDK({
    serviceName,
    ...(opts.spanProcessors ? { spanProcessors: opts.spanProcessors } : { traceExporter: new OTLPTraceExporter() }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
