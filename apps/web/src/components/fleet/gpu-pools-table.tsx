import { RelativeTime } from "@/components/relative-time";

export type TPoolRow = {
  id: string;
  gpuType: string;
  market: string;
  total: number;
  available: number;
  quota: number | null;
  pricePerGpuHour: number | null;
  updatedAt: Date;
};

const usd = (n: number) => `$${n.toFixed(2)}`;

export function GpuPoolsTable({ pools, now }: { pools: TPoolRow[]; now: Date }) {
  if (!pools.length)
    return (
      <p className="text-sm text-zinc-500">No GPU pools reported yet — they arrive with the agent's next heartbeat.</p>
    );
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="py-2 pr-4 font-medium">GPU</th>
            <th className="py-2 pr-4 font-medium">Market</th>
            <th className="py-2 pr-4 text-right font-medium">Available / total</th>
            <th className="py-2 pr-4 text-right font-medium">Quota</th>
            <th className="py-2 pr-4 text-right font-medium">Price</th>
            <th className="py-2 font-medium">Updated</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {pools.map((p) => (
            <tr key={p.id}>
              <td className="py-2 pr-4 font-medium">{p.gpuType}</td>
              <td className="py-2 pr-4">{p.market}</td>
              <td className="py-2 pr-4 text-right tabular-nums">
                {p.available} / {p.total} GPUs
              </td>
              <td className="py-2 pr-4 text-right tabular-nums">{p.quota === null ? "—" : `${p.quota} GPUs`}</td>
              <td className="py-2 pr-4 text-right tabular-nums">
                {p.pricePerGpuHour === null ? "catalog" : `${usd(p.pricePerGpuHour)}/GPU-h`}
              </td>
              <td className="py-2 text-zinc-500">
                <RelativeTime date={p.updatedAt} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
