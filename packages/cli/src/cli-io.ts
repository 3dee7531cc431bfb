import { readFileSync } from "node:fs";
import { PlannerInputError } from "@koi/planner";
import { UnknownNameError } from "@koi/catalog";

export type TCliIo = {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => string;
  /** The commands that talk to Koi (`submit`, `status`, `cancel`) read KOI_URL / KOI_API_KEY here. */
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  nowMs?: () => number;
  /** Set when stdout is a terminal: `koi status --watch` then redraws in place instead of appending. */
  terminal?: () => { columns: number } | undefined;
};

export const processIo: TCliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  readFile: (path) => readFileSync(path, "utf8"),
  env: process.env,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  nowMs: () => Date.now(),
  terminal: () => (process.stdout.isTTY ? { columns: process.stdout.columns || 80 } : undefined),
};

/** A mistake in what the user passed: reported in one line, exit code 2, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function isUserError(error: unknown): error is Error {
  return error instanceof UsageError || error instanceof PlannerInputError || error instanceof UnknownNameError;
}

/** Reads and parses a JSON file, naming the file in every error. */
export function readJsonFile(io: TCliIo, path: string): unknown {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

export type TFlags = { values: Map<string, string>; switches: Set<string>; positional: string[] };

/** `--name value` and boolean `--name` flags; which names take values is the command's to say. */
export function parseFlags(argv: readonly string[], valued: readonly string[], switches: readonly string[]): TFlags {
  const flags: TFlags = { values: new Map(), switches: new Set(), positional: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) {
      flags.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (switches.includes(name)) {
      flags.switches.add(name);
    } else if (valued.includes(name)) {
      const value = inline ?? argv[i + 1];
      if (value === undefined || (inline === undefined && value.startsWith("--")))
        throw new UsageError(`--${name} needs a value`);
      flags.values.set(name, value);
      if (inline === undefined) i += 1;
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return flags;
}

export function requireFlag(flags: TFlags, name: string): string {
  const value = flags.values.get(name);
  if (value === undefined) throw new UsageError(`missing --${name}`);
  return value;
}

export function numberFlag(
  flags: TFlags,
  name: string,
  options: { integer?: boolean; min?: number } = {},
): number | undefined {
  const raw = flags.values.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    !Number.isFinite(value) ||
    (options.integer && !Number.isInteger(value)) ||
    (options.min !== undefined && value < options.min)
  ) {
    throw new UsageError(
      `--${name} must be ${options.integer ? "a whole number" : "a number"}${options.min !== undefined ? ` ≥ ${options.min}` : ""}, got "${raw}"`,
    );
  }
  return value;
}

/** Left-aligned text table; numbers are pre-formatted by the caller. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
