export { startEngineSim, type TEngineSim } from "./start-engine-sim.ts";
export { parseSimConfig, configFromArgs, type TSimConfig, type TSimConfigInput } from "./config.ts";
