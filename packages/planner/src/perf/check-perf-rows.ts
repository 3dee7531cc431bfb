import type { TPerfRow } from "./parse-perf-rows.ts";

const same = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && Math.abs(a / b - 1) < 1e-3;

const sameDeployment = (a: TPerfRow, b: TPerfRow) =>
  a.kind === b.kind &&
  a.model === b.model &&
  a.gpu === b.gpu &&
  a.tp === b.tp &&
  a.pp === b.pp &&
  a.inputTokens === b.inputTokens;

/**
 * Rows marked "ok" that are not independent measurements; returns file line → reason.
 * - A decode-sweep row whose TPOT equals (to 0.1%) that of a row of the same deployment and
 *   context at ≥ 2× lower concurrency: in the shared data these are the 8B/H200 points whose
 *   concurrency was derived from throughput summed over 8 GPUs — the mix-up the file already marks
 *   suspect above 128 sequences. The lower-concurrency twin is kept.
 * - A prefill-sweep row repeating an earlier row's TTFT for the same prompt: one measurement
 *   listed twice (the twin differs only in its derived throughput), which would count double.
 * - A static-batch row whose TTFT is below that of a row of the same deployment and prompt at a
 *   lower concurrency: a static batch cannot prefill more prompts in less time. In the shared data
 *   these are Splitwise's batch-64 rows on two GPUs (Llama-2-70B), whose 64 × 640 tokens exceed
 *   the KV cache two GPUs hold beside the weights, so the engine ran a smaller batch than the row
 *   says and its TPOT is for that batch too; the whole row is left out.
 */
export function duplicateRows(rows: readonly TPerfRow[]): Map<number, string> {
  const flagged = new Map<number, string>();
  rows.forEach((row, i) => {
    if (row.kind === "decode_sweep") {
      const twin = rows.find(
        (o) =>
          o !== row &&
          sameDeployment(o, row) &&
          (o.concurrency ?? 0) * 2 <= (row.concurrency ?? 0) &&
          same(o.measured.tpotMs, row.measured.tpotMs),
      );
      if (twin)
        flagged.set(
          row.line,
          `same TPOT as line ${twin.line} at ${((row.concurrency ?? 0) / (twin.concurrency ?? 1)).toFixed(1)}× its concurrency`,
        );
    }
    if (row.kind === "static_batch") {
      const faster = rows.find(
        (o) =>
          o.kind === "static_batch" &&
          sameDeployment(o, row) &&
          o.outputTokens === row.outputTokens &&
          (o.concurrency ?? 0) < (row.concurrency ?? 0) &&
          (o.measured.ttftMs ?? 0) > (row.measured.ttftMs ?? Number.POSITIVE_INFINITY),
      );
      if (faster)
        flagged.set(
          row.line,
          `TTFT ${row.measured.ttftMs} ms at ${row.concurrency} prompts is below line ${faster.line}'s ${faster.measured.ttftMs} ms at ${faster.concurrency}: a static batch cannot prefill more prompts in less time`,
        );
    }
    if (row.kind === "prefill_sweep") {
      const twin = rows.slice(0, i).find((o) => sameDeployment(o, row) && same(o.measured.ttftMs, row.measured.ttftMs));
      if (twin) flagged.set(row.line, `repeats line ${twin.line}'s TTFT`);
    }
  });
  return flagged;
}
