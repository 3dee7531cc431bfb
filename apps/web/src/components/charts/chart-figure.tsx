"use client";

import type { ReactNode } from "react";
import { cn } from "@koi/ui/cn";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@koi/ui/table";
import { useInView } from "./use-in-view";

type TChartTable = {
  columns: { header: string; numeric?: boolean }[];
  rows: { key: string; cells: ReactNode[] }[];
  /** Said under the table, e.g. that empty periods are left out. */
  note?: string;
};

/**
 * A chart as people who cannot see it get it too: a named figure whose drawing is an image with a
 * one-sentence summary, and the numbers behind it as a table one click away. The drawing (recharts,
 * ~116 KB gzip) is rendered, and so its code fetched, only once the figure scrolls into view.
 */
export function ChartFigure({
  name,
  summary,
  chart,
  table,
  caption,
  heightClass = "h-72",
}: {
  name: string;
  summary: string;
  /** The drawing, e.g. a `next/dynamic` chart: not rendered until the figure is in view. */
  chart: ReactNode;
  table: TChartTable;
  caption?: ReactNode;
  heightClass?: string;
}) {
  const { ref, inView } = useInView<HTMLDivElement>();
  return (
    <figure aria-label={name} className="min-w-0 space-y-2">
      <div ref={ref} role="img" aria-label={summary} className={cn("w-full text-muted-foreground", heightClass)}>
        {inView ? chart : null}
      </div>
      <figcaption className="space-y-2 text-xs text-muted-foreground">
        {caption ? <span className="block">{caption}</span> : null}
        <details className="group">
          <summary className="cursor-pointer rounded-sm font-medium text-link hover:underline focus-visible:outline-2 focus-visible:outline-ring">
            Show the numbers as a table
          </summary>
          <Table label={name} caption={table.note} className="mt-2 text-zinc-900 dark:text-zinc-100">
            <TableHeader>
              <TableRow>
                {table.columns.map((c) => (
                  <TableHead key={c.header} numeric={c.numeric}>
                    {c.header}
                  </TableHead>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {table.rows.map((r) => (
                <TableRow key={r.key}>
                  {r.cells.map((cell, i) => (
                    <TableCell key={table.columns[i]?.header ?? i} numeric={table.columns[i]?.numeric}>
                      {cell}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </details>
      </figcaption>
    </figure>
  );
}
