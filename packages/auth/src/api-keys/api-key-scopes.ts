import { z } from "zod";

export const apiKeyScopes = ["engine", "workloads:read", "workloads:write", "admin"] as const;
export const ZApiKeyScope = z.enum(apiKeyScopes);
export type TApiKeyScope = z.infer<typeof ZApiKeyScope>;

/** `admin` implies every other scope. */
export function hasScope(granted: readonly string[], needed: TApiKeyScope): boolean {
  return granted.includes("admin") || granted.includes(needed);
}
