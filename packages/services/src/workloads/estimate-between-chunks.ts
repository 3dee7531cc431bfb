/**
 * Requests finished since the engine last counted, estimated from the tokens it generated since.
 * Orca reports progress in whole chunks: a job of 100 chunks shows 0% for the whole first chunk
 * although its engine reports thousands of tokens a second. Between two counts the requests done
 * are those counted plus (output tokens/s × seconds since the count changed) ÷ output tokens per
 * request — never a whole chunk more, since the engine would have counted that chunk.
 */
export function estimateBetweenChunks(input: {
  /** Requests the engine's count stands for (its chunks scaled to the assignment's requests). */
  countedRequests: number;
  /** Requests in one chunk. */
  chunkRequests: number;
  /** Seconds since the count last changed (or since the job started, before the first chunk). */
  secondsSinceCount: number;
  outputTokensPerSecond: number;
  avgOutputTokens: number;
}): number {
  const { countedRequests, chunkRequests, secondsSinceCount, outputTokensPerSecond, avgOutputTokens } = input;
  if (!(chunkRequests > 0) || !(avgOutputTokens > 0) || !(secondsSinceCount > 0) || !(outputTokensPerSecond > 0))
    return countedRequests;
  // Stay short of the next count: the chunk in flight is not done until the engine says so.
  const extra = Math.min((outputTokensPerSecond * secondsSinceCount) / avgOutputTokens, chunkRequests * 0.95);
  return countedRequests + extra;
}

/**
 * For progress counts in time order (seconds, count), the seconds since each count first appeared
 * among them: the time the engine has been working past that count.
 */
export function secondsSinceCounts(points: readonly { t: number; count: number }[]): number[] {
  let since = points[0]?.t ?? 0;
  return points.map((p, i) => {
    if (i > 0 && p.count !== points[i - 1]!.count) since = p.t;
    return p.t - since;
  });
}
