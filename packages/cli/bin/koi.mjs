#!/usr/bin/env node
// The CLI and the planner are TypeScript source; tsx compiles them on the fly so there is no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
