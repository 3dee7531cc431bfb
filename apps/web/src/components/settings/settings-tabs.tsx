"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@koi/ui/cn";

export function SettingsTabs({ slug }: { slug: string }) {
  const pathname = usePathname();
  const tabs = [
    { label: "Members", href: `/o/${slug}/settings/members` },
    { label: "API keys", href: `/o/${slug}/settings/api-keys` },
    { label: "Notifications", href: `/o/${slug}/settings/notifications` },
  ];
  return (
    <nav aria-label="Settings" className="mb-6 flex gap-4 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map((t) => {
        const active = pathname.startsWith(t.href);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "-mb-px border-b-2 px-1 pb-2 text-sm font-medium",
              active
                ? "border-brand-600 text-zinc-900 dark:text-zinc-100"
                : "border-transparent text-muted-foreground hover:text-zinc-900 dark:hover:text-zinc-100",
            )}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
