/**
 * Weighted ridge regression: the β minimising Σ wᵢ(yᵢ − xᵢ·β)² + Σ λⱼβⱼ², from the normal
 * equations (XᵀWX + Λ)β = XᵀWy solved by Gaussian elimination with partial pivoting. The
 * penalties keep the system solvable when a feature has not been seen yet (a weekday with no
 * data): its coefficient stays at 0.
 */
export function fitRidge(
  rows: readonly (readonly number[])[],
  y: readonly number[],
  weights: readonly number[],
  penalties: readonly number[],
): number[] {
  const p = penalties.length;
  const a = Array.from({ length: p }, (_, i) => {
    const row = new Array<number>(p + 1).fill(0);
    row[i] = penalties[i]!;
    return row;
  });
  rows.forEach((x, n) => {
    const w = weights[n]!;
    for (let i = 0; i < p; i++) {
      const wx = w * x[i]!;
      if (wx === 0) continue;
      const ai = a[i]!;
      for (let j = 0; j < p; j++) ai[j]! += wx * x[j]!;
      ai[p]! += wx * y[n]!;
    }
  });
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const pr = a[col]!;
    if (Math.abs(pr[col]!) < 1e-12) continue;
    for (let r = col + 1; r < p; r++) {
      const f = a[r]![col]! / pr[col]!;
      if (f === 0) continue;
      for (let c = col; c <= p; c++) a[r]![c]! -= f * pr[c]!;
    }
  }
  const beta = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    const row = a[i]!;
    if (Math.abs(row[i]!) < 1e-12) continue;
    let s = row[p]!;
    for (let j = i + 1; j < p; j++) s -= row[j]! * beta[j]!;
    beta[i] = s / row[i]!;
  }
  return beta;
}
