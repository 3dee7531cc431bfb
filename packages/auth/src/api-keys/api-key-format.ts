import { createHash, randomInt } from "node:crypto";

/**
 * `koi_live_` + 32 random base62 characters (≈190 bits) + a 6-character base62 CRC32 of the body.
 * The checksum lets us (and secret scanners) reject a mistyped or made-up key without a lookup.
 */
export const API_KEY_PREFIX = "koi_live_";
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, width: number): string {
  let out = "";
  let v = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out;
}

const checksumOf = (body: string) => toBase62(crc32(body), CHECKSUM_LENGTH);

export function generateApiKey(): string {
  let body = "";
  for (let i = 0; i < BODY_LENGTH; i++) body += ALPHABET[randomInt(62)];
  return `${API_KEY_PREFIX}${body}${checksumOf(body)}`;
}

/** Shape and checksum only — no database. */
export function isWellFormedApiKey(key: string): boolean {
  if (!KEY_PATTERN.test(key)) return false;
  const rest = key.slice(API_KEY_PREFIX.length);
  return checksumOf(rest.slice(0, BODY_LENGTH)) === rest.slice(BODY_LENGTH);
}

/** Only this hash is stored; keys carry ≥112 bits of entropy so a plain SHA-256 suffices (ASVS 6.5.2). */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** What the UI may show: the fixed prefix plus the first body characters, and the last four. */
export function displayParts(key: string): { prefix: string; lastFour: string } {
  return { prefix: key.slice(0, API_KEY_PREFIX.length + 4), lastFour: key.slice(-4) };
}
