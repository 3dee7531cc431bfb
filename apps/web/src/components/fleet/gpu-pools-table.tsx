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
          <TableHead>Updated</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {pools.map((p) => (
          <TableRow key={p.id}>
            <TableCell className="font-medium">{p.gpuType}</TableCell>
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
