import type { TPerfCoefficients } from "./perf-coefficients.ts";
import type { TDeployment } from "./resolve-deployment.ts";
import { pipelineSeconds, type TStepTime } from "./step-time.ts";

// Workload-level timings of one replica, built from engine steps: a prefill of some prompts, a
// decode round of a batch, a wave (a batch's prefill then all its output tokens) and a finite job.

export type TTimingContext = { d: TDeployment; c: TPerfCoefficients; inputTokens: number; outputTokens: number };

/** Mean context a decoding sequence reads: its prompt plus half its output so far. */
export function meanDecodeContext(t: TTimingContext): number {
  return t.inputTokens + t.outputTokens / 2;
}

/**
 * Mean sequences the KV cache keeps running: tokens it holds ÷ what a running sequence holds on
 * average. Not a whole number: vLLM admits a prompt while blocks are free and preempts a sequence
 * when they run out, so room for 2.8 sequences runs two throughout and a third part of the time.
 */
export function kvConcurrency(t: TTimingContext): number {
  return t.d.kvTokens / (t.inputTokens + t.c.liveOutputShare * t.outputTokens);
}

/** Largest batch: the scheduler's cap and the KV cache (and at most `requests` when the job is finite). */
export function fullBatch(t: TTimingContext, requests?: number): number {
  const limit = Math.min(t.d.maxNumSeqs, kvConcurrency(t));
  return Math.max(1, requests === undefined ? limit : Math.min(limit, requests));
}

/** One decode round: every one of `seqs` sequences advances by one token. */
export function decodeRound(t: TTimingContext, seqs: number, context = meanDecodeContext(t)): TStepTime {
  return pipelineSeconds(
    t.d,
    t.c,
    { decodeSeqs: seqs, decodeContext: context, prefillTokens: 0, prefillContext: 0 },
    "decode-round",
    seqs,
  );
}

/** Prefill of `prompts` whole prompts, in steps of at most the engine's batched-token budget. */
export function prefillSeconds(t: TTimingContext, prompts: number): number {
  const total = prompts * t.inputTokens;
  const perStep = Math.max(t.inputTokens, t.d.engine.maxBatchedTokens);
  const steps = Math.max(1, Math.ceil(total / perStep));
  const step = pipelineSeconds(
    t.d,
    t.c,
    { decodeSeqs: 0, decodeContext: 0, prefillTokens: total / steps, prefillContext: t.inputTokens / 2 },
    "prefill",
    prompts / steps,
  );
  return steps * step.seconds;
}

/** Time to first token of a lone prompt: request handling plus its prefill. */
export function loneTtftSeconds(t: TTimingContext): number {
  return t.c.requestMs / 1e3 + prefillSeconds(t, 1);
}

/** A batch of `seqs` prompts prefilled, then decoded to the end of their output together. */
export function waveSeconds(t: TTimingContext, seqs: number): number {
  return prefillSeconds(t, seqs) + t.outputTokens * decodeRound(t, seqs).seconds;
}

/**
 * A finite job of `requests` equal prompts: vLLM keeps up to a full batch running, and with equal
 * lengths the batch finishes together, so the job runs in waves; the last wave holds the
 * remainder and runs its whole output at a smaller batch (the tail).
 */
export function jobSeconds(t: TTimingContext, requests: number): number {
  const batch = fullBatch(t, requests);
  const fullWaves = Math.floor(requests / batch);
  const rest = requests - fullWaves * batch;
  return t.c.requestMs / 1e3 + fullWaves * waveSeconds(t, batch) + (rest > 0 ? waveSeconds(t, rest) : 0);
}
