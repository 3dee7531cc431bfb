"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@koi/ui/cn";

const soon = ["Workloads", "Costs"];

export function NavLinks({ slug }: { slug: string }) {
  const pathname = usePathname();
  const base = `/o/${slug}`;
  const links = [
    { label: "Overview", href: base, active: pathname === base },
    { label: "Fleet", href: `${base}/fleet`, active: pathname.startsWith(`${base}/fleet`) },
    { label: "Settings", href: `${base}/settings/members`, active: pathname.startsWith(`${base}/settings`) },
  ];
  const item = "rounded-md px-3 py-1.5 text-sm font-medium";
  return (
    <ul className="flex items-center gap-1">
      <li>
        <NavLink {...links[0]!} className={item} />
      </li>
      <li>
        <NavLink {...links[1]!} className={item} />
      </li>
      {soon.map((label) => (
        <li key={label}>
          <span aria-disabled="true" title="Coming soon" className={cn(item, "flex cursor-default items-center gap-1.5 text-zinc-400 dark:text-zinc-600")}>
            {label}
            <span className="rounded bg-zinc-100 px-1.5 text-[10px] uppercase tracking-wide text-zinc-500 dark:bg-zinc-800">soon</span>
          </span>
        </li>
      ))}
      <li>
        <NavLink {...links[2]!} className={item} />
      </li>
    </ul>
  );
}

function NavLink({ label, href, active, className }: { label: string; href: string; active: boolean; className: string }) {
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={cn(
        className,
        "focus-visible:outline-2 focus-visible:outline-brand-500",
        active ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100" : "text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-900 dark:hover:text-zinc-100",
      )}
    >
      {label}
    </Link>
  );
}
