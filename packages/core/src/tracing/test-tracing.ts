import { context, propagation, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace";
import { startTracing } from "./start-tracing.ts";

/**
 * Tests only: tracing on, every finished span kept in memory. `stop` shuts it down and turns the
 * OpenTelemetry API off again, since the same process may run other test files next.
 */
export type TTestTracing = ReturnType<typeof startTestTracing>;

export function startTestTracing() {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing("koi-test", { spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return {
    exporter,
    async stop() {
      await tracing?.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
