"use client";

import {
  useEffect,
  useRef,
  useState,
  type HTMLAttributes,
  type ReactNode,
  type TdHTMLAttributes,
  type ThHTMLAttributes,
} from "react";
import { cn } from "./cn.tsx";

/**
 * A data table. On a narrow screen it scrolls sideways inside its own box, never the page; while
 * it overflows, that box is a named, focusable region so keyboard users can scroll it too (and
 * only then, so wide screens get no extra Tab stop). It is `relative` so that absolutely positioned
 * children (the sr-only heading of an actions column) scroll with it instead of widening the page. Name the table with `label`, or with a visible
 * heading through `labelledBy`.
 */
export function Table({
  label,
  labelledBy,
  caption,
  boxed,
  className,
  children,
}: {
  label?: string;
  labelledBy?: string;
  /** Shown under the table, and read as its caption. */
  caption?: ReactNode;
  /** A bordered box of its own (a table alone on a page); without it, it sits flush in a Card. */
  boxed?: boolean;
  className?: string;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const check = () => setOverflows(el.scrollWidth > el.clientWidth + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  const name = { "aria-label": label, "aria-labelledby": label ? undefined : labelledBy };
  return (
    <div
      ref={box}
      {...(overflows ? { role: "region", tabIndex: 0, ...name } : {})}
      className={cn(
        "relative max-w-full overflow-x-auto rounded-sm focus-visible:outline-2 focus-visible:outline-ring",
        boxed && "rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900",
        className,
      )}
    >
      <table className={cn("w-full text-left text-sm", boxed && BOXED_CELLS)} {...name}>
        {caption ? (
          <caption className="caption-bottom pt-2 text-left text-xs text-muted-foreground">{caption}</caption>
        ) : null}
        {children}
      </table>
    </div>
  );
}

// Boxed: roomier rows and the outer cells padded away from the border (beats the cells' flush edges).
const BOXED_CELLS =
  "[&_td]:py-3 [&_td:first-child]:pl-4 [&_td:last-child]:pr-4 [&_th:first-child]:pl-4 [&_th:last-child]:pr-4 [&_thead]:border-b [&_thead]:border-zinc-200 dark:[&_thead]:border-zinc-800";

export function TableHeader({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead className={cn("text-xs uppercase tracking-wide text-muted-foreground", className)} {...props} />;
}

export function TableBody({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cn("divide-y divide-zinc-100 dark:divide-zinc-800", className)} {...props} />;
}

export function TableRow(props: HTMLAttributes<HTMLTableRowElement>) {
  return <tr {...props} />;
}

/** A column heading; `numeric` right-aligns it over its numbers. */
export function TableHead({
  numeric,
  className,
  ...props
}: ThHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return (
    <th
      scope="col"
      className={cn("px-3 py-2 font-medium whitespace-nowrap first:pl-0 last:pr-0", numeric && "text-right", className)}
      {...props}
    />
  );
}

/** A cell; `numeric` right-aligns it with tabular figures so columns of numbers line up. */
export function TableCell({
  numeric,
  className,
  ...props
}: TdHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return (
    <td className={cn("px-3 py-2 first:pl-0 last:pr-0", numeric && "text-right tabular-nums", className)} {...props} />
  );
}
