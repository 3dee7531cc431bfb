import { createRandom } from "@koi/planner/random/seeded-random";
import { parseSimConfig } from "../config.ts";
import { OrcaEngine } from "../orca/orca-engine.ts";
import type { TOrcaOutbox } from "../orca/orca-outbox.ts";
import { fastSimConfig } from "./sim-fixtures.ts";

export type TEmitted = { path: string; payload: Record<string, unknown>; id: string | undefined; at: number };

/** The engine on manual simulated time, with an outbox that records instead of sending. */
export function engine(seed: number, orca: Record<string, unknown> = {}) {
  const emitted: TEmitted[] = [];
  const config = parseSimConfig(fastSimConfig({ seed, orca })).orca;
  const holder: { engine?: OrcaEngine } = {};
  const outbox: TOrcaOutbox = {
    enabled: true,
    attempts: [],
    emit: (path, payload, id) => emitted.push({ path, payload, id, at: holder.engine!.now }),
    pending: () => 0,
    oldestUndeliveredAgeSeconds: () => null,
    close: () => {},
  };
  holder.engine = new OrcaEngine(config, createRandom(seed).fork("orca"), outbox, 1_767_225_600);
  return { engine: holder.engine, emitted };
}

/** Advances simulated time in steps of `step` seconds. */
export function run(e: OrcaEngine, seconds: number, step = 7) {
  for (let t = 0; t < seconds; t += step) e.advanceTo(e.now + step);
}
