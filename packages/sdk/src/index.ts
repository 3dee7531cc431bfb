// @koi/sdk: Koi's /api/v1 over HTTP, typed by @koi/contracts — the client the agent, the `koi` CLI
// and the demo scenario share.
export { KoiClient } from "./koi-client.ts";
export { KoiHttpError } from "./koi-http-error.ts";
export { abortableSleep, heartbeatDelayMs, retryDelayMs, type TBackoffPolicy, type TRandomSource } from "./backoff.ts";
