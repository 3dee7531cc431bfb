import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@koi/ui/table";
import { RelativeTime } from "@/components/relative-time";
import { PoolPrice, type TPoolPrice } from "./pool-price";

type TPoolRow = {
  id: string;
  gpuType: string;
  market: string;
  total: number;
  available: number;
  quota: number | null;
  pricePerGpuHour: number | null;
  price: TPoolPrice;
  /** Why the planner leaves the pool out, or null. */
  notPlanned: string | null;
  updatedAt: Date;
};

export function GpuPoolsTable({ pools, now, label }: { pools: TPoolRow[]; now: Date; label: string }) {
  if (!pools.length)
    return (
      <p className="text-sm text-muted-foreground">
        No GPU pools reported yet — they arrive with the agent's next heartbeat.
      </p>
    );
  return (
    <Table label={label}>
      <TableHeader>
        <TableRow>
          <TableHead>GPU</TableHead>
          <TableHead>Market</TableHead>
          <TableHead numeric>Available / total</TableHead>
          <TableHead numeric>Quota</TableHead>
          <TableHead numeric>Price</TableHead>
          <TableHead>Last changed</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {pools.map((p) => (
          <TableRow key={p.id}>
            <TableCell>
              <span className="font-medium">{p.gpuType}</span>
              {p.notPlanned ? (
                <p className="max-w-md text-xs text-amber-700 dark:text-amber-400">Not used in plans: {p.notPlanned}</p>
              ) : null}
            </TableCell>
            <TableCell>{p.market}</TableCell>
            <TableCell numeric>
              {p.available} / {p.total} GPUs
            </TableCell>
            <TableCell numeric>{p.quota === null ? "—" : `${p.quota} GPUs`}</TableCell>
            <TableCell numeric>
              <PoolPrice price={p.price} />
            </TableCell>
            <TableCell className="text-muted-foreground">
              <RelativeTime date={p.updatedAt} now={now} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
