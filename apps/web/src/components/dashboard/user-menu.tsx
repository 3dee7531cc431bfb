"use client";

import { LogOut } from "lucide-react";
import { signOutAction } from "@/actions/sign-out";
import { useMenu } from "./use-menu";

export function UserMenu({ name, email }: { name: string | null; email: string | null }) {
  const menu = useMenu();
  const label = name ?? email ?? "Account";
  const initials = label
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join("");
  return (
    <div ref={menu.rootRef} className="relative">
      <button
        type="button"
        {...menu.buttonProps}
        className="flex size-8 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
      >
        <span aria-hidden>{initials || "?"}</span>
        <span className="sr-only">Account menu for {label}</span>
      </button>
      {menu.open ? (
        <div
          id={menu.menuId}
          className="absolute right-0 z-20 mt-1 w-64 rounded-md border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          <div className="px-3 py-2">
            {name ? <p className="truncate text-sm font-medium">{name}</p> : null}
            {email ? <p className="truncate text-xs text-muted-foreground">{email}</p> : null}
          </div>
          <form action={signOutAction} className="border-t border-zinc-200 pt-1 dark:border-zinc-800">
            <input type="hidden" name="redirectTo" value="/sign-in" />
            <button
              type="submit"
              className="flex w-full items-center gap-2 rounded px-3 py-2 text-left text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-ring dark:hover:bg-zinc-800"
            >
              <LogOut aria-hidden className="size-4" />
              Sign out
            </button>
          </form>
        </div>
      ) : null}
    </div>
  );
}
