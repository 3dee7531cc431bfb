// @koi/agent: the customer-side agent (library + `koi-agent` CLI).
export { KoiAgent, AGENT_VERSION, type TKoiAgentOptions } from "./agent/koi-agent.ts";
export { createOrcaAdapter, type TOrcaAdapterOptions } from "./adapters/orca/orca-adapter.ts";
export { createTunaAdapter, type TTunaAdapterOptions } from "./adapters/tuna/tuna-adapter.ts";
export type { TEngineAdapter, TExecuteResult, TPollResult, TEventSink } from "./adapters/types.ts";
export { createLogger, silentLogger, type TLogger } from "./logger.ts";
