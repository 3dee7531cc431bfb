import { collectDefaultMetrics, Registry } from "prom-client";

type TRegistryHolder = { registry?: Registry };

// One registry per process, kept on globalThis: Next.js may load this module once per route bundle
// (and again on every dev reload), and prom-client refuses a second metric with the same name.
const holder = globalThis as typeof globalThis & { [key: symbol]: TRegistryHolder | undefined };
const KEY = Symbol.for("koi.metrics.registry");

/** The process's registry, with Node's default process metrics (CPU, memory, event-loop lag, GC). */
export function metricsRegistry(): Registry {
  const slot = (holder[KEY] ??= {});
  if (!slot.registry) {
    slot.registry = new Registry();
    collectDefaultMetrics({ register: slot.registry });
  }
  return slot.registry;
}

/** A metric created once per process however often its module is evaluated. */
export function singleMetric<T>(name: string, create: (registry: Registry) => T): T {
  const registry = metricsRegistry();
  return (registry.getSingleMetric(name) as T | undefined) ?? create(registry);
}
