/**
 * When a workload lends part of its throughput (`lentRate`) for `loanSeconds` and then needs
 * `restartSeconds` to bring the returned replicas back, its work done by time `now + x` is
 *   (fullRate − lentRate)·x + lentRate·max(0, x − loanSeconds − restartSeconds).
 * This returns the time at which that reaches `work` (Infinity when it never does).
 */
export function predictFinishWithLoan(input: {
  now: number;
  work: number;
  fullRate: number;
  lentRate: number;
  loanSeconds: number;
  restartSeconds: number;
}): number {
  const { now, work, fullRate, lentRate, loanSeconds, restartSeconds } = input;
  if (work <= 0) return now;
  const kept = Math.max(0, fullRate - lentRate);
  const gap = loanSeconds + restartSeconds;
  if (kept * gap >= work) return now + work / kept;
  if (fullRate <= 0) return Infinity;
  return now + gap + (work - kept * gap) / fullRate;
}

/**
 * The largest rate a workload can lend for `loanSeconds` and still finish `work × (1 + margin)`
 * by `deadline`. Linear in the lent rate, so it has a closed form.
 */
export function maxLendableRate(input: {
  now: number;
  deadline: number;
  work: number;
  fullRate: number;
  loanSeconds: number;
  restartSeconds: number;
  margin: number;
}): number {
  const { now, deadline, work, fullRate, loanSeconds, restartSeconds, margin } = input;
  const left = deadline - now;
  const surplus = fullRate * left - work * (1 + margin);
  if (left <= 0 || surplus <= 0) return 0;
  // Each unit of lent rate loses min(left, loan + restart) seconds of work.
  return Math.min(fullRate, surplus / Math.min(left, loanSeconds + restartSeconds));
}
