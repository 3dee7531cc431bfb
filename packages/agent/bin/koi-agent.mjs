#!/usr/bin/env node
// koi-agent: runs the TypeScript sources through tsx's loader (the package ships source, like the planner's CLI).
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
