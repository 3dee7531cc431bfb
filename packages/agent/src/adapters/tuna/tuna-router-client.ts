import { ZTunaRouterHealth, type TTunaRouterHealth, type TTunaScalingPolicyWire } from "@koi/contracts";
import { engineRequest } from "../types.ts";
import type { TTunaAdapterOptions } from "./tuna-adapter-options.ts";

/** The router's own endpoints (/router/*) the agent calls, authenticated with its key. */
export function createTunaRouterClient(
  options: Pick<TTunaAdapterOptions, "url" | "apiKey">,
  doFetch: typeof fetch,
): {
  health: () => Promise<TTunaRouterHealth>;
  postConfig: (body: Record<string, string>) => Promise<void>;
  postScalingPolicy: (query: string, policy: TTunaScalingPolicyWire) => Promise<void>;
} {
  // The router takes its key in API_KEY_HEADER (x-api-key unless the operator renamed it) or as a
  // Bearer token: sending both works whatever that header is. The agent only calls /router/*,
  // which the router answers itself, so the Authorization header never reaches a backend.
  const headers = (): Record<string, string> =>
    options.apiKey ? { "x-api-key": options.apiKey, authorization: `Bearer ${options.apiKey}` } : {};
  const url = (path: string) => `${options.url.replace(/\/+$/, "")}${path}`;
  return {
    async health() {
      return ZTunaRouterHealth.parse(
        await engineRequest(doFetch, url("/router/health"), { headers: headers() }, "Tuna /router/health"),
      );
    },
    async postConfig(body) {
      await engineRequest(
        doFetch,
        url("/router/config"),
        { method: "POST", body, headers: headers() },
        "Tuna /router/config",
      );
    },
    async postScalingPolicy(query, policy) {
      await engineRequest(
        doFetch,
        url(`/router/scaling-policy${query}`),
        { method: "POST", body: policy, headers: headers() },
        "Tuna /router/scaling-policy (Koi's engine simulator)",
      );
    },
  };
}
