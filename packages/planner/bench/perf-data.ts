import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { duplicateRows } from "../src/perf/check-perf-rows.ts";
import { samplesOf, type TFitSample } from "../src/perf/fit-coefficients.ts";
import { parsePerfRows, type TPerfRow } from "../src/perf/parse-perf-rows.ts";
import { predictRow } from "../src/perf/predict-row.ts";
import { priorCoefficients } from "../src/perf/perf-coefficients.ts";

// The measured runs the performance model is fitted to and checked on: a copy of
// shared/data/llm-perf-measurements.csv kept in the repo beside its README.

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = join(HERE, "..", "..", "..");
export const DATA_FILE = join(HERE, "..", "data", "llm-perf-measurements.csv");

export type TPerfData = {
  file: string;
  sha256: string;
  rows: TPerfRow[];
  /** Rows with quality "ok", not duplicates, that the model can express: what is fitted and scored. */
  samples: TFitSample[];
  /** "ok" rows left out, with why. */
  excluded: { line: number; reason: string }[];
};

export function loadPerfData(): TPerfData {
  const text = readFileSync(DATA_FILE, "utf8");
  const rows = parsePerfRows(text);
  const duplicates = duplicateRows(rows);
  const excluded: TPerfData["excluded"] = [...duplicates].map(([line, reason]) => ({ line, reason }));
  const prior = priorCoefficients();
  const samples = samplesOf(rows).filter((s) => {
    const p = predictRow(s.row, prior, {});
    if (!("error" in p)) return true;
    if (!excluded.some((e) => e.line === s.row.line)) excluded.push({ line: s.row.line, reason: p.error });
    return false;
  });
  return {
    file: relative(REPO, DATA_FILE),
    sha256: createHash("sha256").update(text).digest("hex"),
    rows,
    samples,
    excluded: excluded.filter((e) => rows.find((r) => r.line === e.line)?.quality === "ok"),
  };
}
