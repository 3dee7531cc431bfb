import type { z } from "zod";
import { findUnsafeJson } from "@koi/contracts/safe-json";
import { AppError } from "@koi/core/app-error";
import { badRequest } from "./api-error-response.ts";

const DEFAULT_MAX_BYTES = 256 * 1024;

/**
 * Reads at most `maxBytes`, parses JSON, refuses NUL characters, out-of-range numbers and deep
 * nesting anywhere (findUnsafeJson), validates with zod; every failure is a 4xx naming the field.
 * `anyJson`: for a sender that retries every 4xx forever (Orca): only size, nesting and non-JSON are
 * refused; the receiver makes the text storable (ingestOrcaWebhook's toStorableText).
 */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  { maxBytes = DEFAULT_MAX_BYTES, anyJson = false }: { maxBytes?: number; anyJson?: boolean } = {},
): Promise<{ data: z.infer<S>; raw: string }> {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > maxBytes) throw new AppError("PAYLOAD_TOO_LARGE", `Body is larger than ${maxBytes} bytes.`);
  const raw = await request.text();
  if (Buffer.byteLength(raw) > maxBytes)
    throw new AppError("PAYLOAD_TOO_LARGE", `Body is larger than ${maxBytes} bytes.`);
  let json: unknown;
  try {
    json = raw.length ? JSON.parse(raw) : {};
  } catch {
    throw badRequest("Body is not valid JSON.");
  }
  const unsafe = findUnsafeJson(json, { text: !anyJson, numbers: !anyJson });
  if (unsafe)
    throw badRequest(`Invalid request body: ${unsafe.path}: ${unsafe.message}`, { [unsafe.path]: unsafe.message });
  const result = schema.safeParse(json);
  if (!result.success) {
    const fields = Object.fromEntries(
      result.error.issues.slice(0, 20).map((i) => [i.path.join(".") || "(body)", i.message]),
    );
    const first = result.error.issues[0];
    throw badRequest(
      `Invalid request body: ${first ? `${first.path.join(".") || "(body)"}: ${first.message}` : "invalid"}`,
      fields,
    );
  }
  return { data: result.data, raw };
}
