"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@koi/ui/cn";

export function NavLinks({ slug }: { slug: string }) {
  const pathname = usePathname();
  const base = `/o/${slug}`;
  const links = [
    { label: "Overview", href: base, active: pathname === base },
    { label: "Workloads", href: `${base}/workloads`, active: pathname.startsWith(`${base}/workloads`) },
    { label: "Fleet", href: `${base}/fleet`, active: pathname.startsWith(`${base}/fleet`) },
    { label: "Costs", href: `${base}/costs`, active: pathname.startsWith(`${base}/costs`) },
    { label: "Settings", href: `${base}/settings/members`, active: pathname.startsWith(`${base}/settings`) },
  ];
  const item = "rounded-md px-3 py-1.5 text-sm font-medium";
  return (
    <ul className="flex flex-wrap items-center gap-1">
      {links.map((link) => (
        <li key={link.href}>
          <NavLink {...link} className={item} />
        </li>
      ))}
    </ul>
  );
}

function NavLink({
  label,
  href,
  active,
  className,
}: {
  label: string;
  href: string;
  active: boolean;
  className: string;
}) {
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={cn(
        className,
        "focus-visible:outline-2 focus-visible:outline-ring",
        active
          ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
          : "text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-900 dark:hover:text-zinc-100",
      )}
    >
      {label}
    </Link>
  );
}
