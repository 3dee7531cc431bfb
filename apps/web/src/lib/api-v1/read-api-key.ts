/**
 * `Authorization: Bearer <key>`, or Basic with the key as the password — for senders such as
 * Orca's webhooks that can only carry a credential in the URL (`https://koi:<key>@host/...`).
 */
export function readApiKey(headers: Headers): string | null {
  const value = headers.get("authorization");
  if (!value) return null;
  const [scheme, credential] = value.split(" ", 2);
  if (!credential) return null;
  if (scheme?.toLowerCase() === "bearer") return credential.trim();
  if (scheme?.toLowerCase() === "basic") {
    const decoded = Buffer.from(credential, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}
