import { readFile } from "node:fs/promises";

/** A secret named by reference (set_routing's `env:NAME` or `file:/path`): its value, read on the agent host. */
export async function resolveTokenRef(ref: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (ref.startsWith("env:")) {
    const value = env[ref.slice(4)];
    if (!value) throw new Error(`environment variable ${ref.slice(4)} is not set on the agent host`);
    return value;
  }
  return (await readFile(ref.slice(5), "utf8")).trim();
}
