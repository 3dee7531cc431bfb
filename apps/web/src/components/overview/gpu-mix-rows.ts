/** GPU types as rows of the bar chart, one stacked bar segment per market. */
export function gpuMixRows(gpus: readonly { gpuType: string; market: string; gpus: number }[]) {
  const rows = new Map<string, Record<string, number | string>>();
  for (const g of gpus) {
    const row = rows.get(g.gpuType) ?? { gpuType: g.gpuType };
    row[g.market] = ((row[g.market] as number | undefined) ?? 0) + g.gpus;
    rows.set(g.gpuType, row);
  }
  return { rows: [...rows.values()], markets: [...new Set(gpus.map((g) => g.market))] };
}

/** The chart in one sentence: "24 GPUs in use: H100-SXM 16 spot, 8 on-demand; L4 1 serverless." */
export function describeGpuMix(mix: ReturnType<typeof gpuMixRows>, total: number): string {
  const types = mix.rows.map((r) => {
    const parts = mix.markets.filter((m) => Number(r[m] ?? 0) > 0).map((m) => `${r[m]} ${m}`);
    return `${r.gpuType} ${parts.join(", ")}`;
  });
  return `${total} GPU${total === 1 ? "" : "s"} in use: ${types.join("; ")}.`;
}
