/**
 * RFC 4180 CSV that is also safe to open in a spreadsheet: a cell that starts with a formula
 * trigger (= + - @, tab, carriage return) gets a leading apostrophe, so `=HYPERLINK(...)` typed
 * into a public form shows as text instead of running when staff open the export (OWASP CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvCell(value: string | number | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Header plus rows, CRLF line ends, with a BOM so spreadsheet apps read UTF-8 names correctly. */
export function toCsv(header: readonly string[], rows: readonly (readonly Parameters<typeof csvCell>[0][])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
