"use client";

import { Check, ChevronDown, Plus } from "lucide-react";
import Link from "next/link";
import type { TMyOrg } from "@koi/services/org/list-my-orgs.schema";
import { cn } from "@koi/ui/cn";
import { roleLabel } from "@/lib/role-label";
import { useMenu } from "./use-menu";

export function OrgSwitcher({ current, orgs }: { current: TMyOrg; orgs: TMyOrg[] }) {
  const menu = useMenu();
  return (
    <div ref={menu.rootRef} className="relative">
      <button
        type="button"
        {...menu.buttonProps}
        className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-ring dark:hover:bg-zinc-800"
      >
        {/* The name is read from the visible text, with the words a screen reader needs around it. */}
        <span className="sr-only">Organization: </span>
        <span className="max-w-32 truncate font-medium sm:max-w-48" data-testid="current-org">
          {current.name}
        </span>
        <span className="sr-only">, your role: </span>
        <span
          className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
          data-testid="current-role"
        >
          {roleLabel[current.role]}
        </span>
        <span className="sr-only">. Switch organization</span>
        <ChevronDown aria-hidden className="size-4 text-muted-foreground" />
      </button>
      {menu.open ? (
        <div
          id={menu.menuId}
          className="absolute left-0 z-20 mt-1 w-72 rounded-md border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          <p className="px-3 py-1.5 text-xs font-medium uppercase tracking-wide text-muted-foreground">
            Your organizations
          </p>
          <ul>
            {orgs.map((org) => (
              <li key={org.id}>
                <Link
                  href={`/o/${org.slug}`}
                  onClick={menu.close}
                  aria-current={org.id === current.id ? "true" : undefined}
                  className={cn(
                    "flex items-center gap-2 rounded px-3 py-2 text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-ring dark:hover:bg-zinc-800",
                  )}
                >
                  <span className="flex-1 truncate">{org.name}</span>
                  <span className="text-xs text-muted-foreground">{roleLabel[org.role]}</span>
                  {org.id === current.id ? (
                    <Check aria-label="current" className="size-4 text-link" />
                  ) : (
                    <span className="size-4" />
                  )}
                </Link>
              </li>
            ))}
          </ul>
          <div className="mt-1 border-t border-zinc-200 pt-1 dark:border-zinc-800">
            <Link
              href="/orgs/new"
              onClick={menu.close}
              className="flex items-center gap-2 rounded px-3 py-2 text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-ring dark:hover:bg-zinc-800"
            >
              <Plus aria-hidden className="size-4" />
              New organization
            </Link>
          </div>
        </div>
      ) : null}
    </div>
  );
}
