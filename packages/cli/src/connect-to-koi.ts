import { KoiClient } from "@koi/sdk";
import { UsageError, type TCliIo, type TFlags } from "./cli-io.ts";

/** Koi's REST API tells CLI submissions from scripts' by this. */
export const CLI_USER_AGENT = "koi-cli/1";

export type TKoiConnection = { url: string; apiKey: string };

/** `--koi-url` / `--api-key`, else KOI_URL / KOI_API_KEY. */
export function connectionFrom(flags: TFlags, env: Record<string, string | undefined>): TKoiConnection {
  const url = flags.values.get("koi-url") ?? env.KOI_URL;
  const apiKey = flags.values.get("api-key") ?? env.KOI_API_KEY;
  if (!url) throw new UsageError("missing --koi-url (or KOI_URL), e.g. http://localhost:3000");
  if (!apiKey) throw new UsageError("missing --api-key (or KOI_API_KEY): create one under Settings → API keys");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--koi-url: "${url}" is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new UsageError(`--koi-url: "${url}" must be http(s)`);
  return { url: parsed.toString().replace(/\/+$/, ""), apiKey };
}

/** One attempt per command: a person at a terminal sees Koi's answer (or its absence) at once. */
export function connectToKoi(flags: TFlags, io: TCliIo): KoiClient {
  const { url, apiKey } = connectionFrom(flags, io.env ?? {});
  return new KoiClient({ baseUrl: url, apiKey, userAgent: CLI_USER_AGENT, maxAttempts: 1, fetchImpl: io.fetch });
}
