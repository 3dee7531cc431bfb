import type { HTMLAttributes } from "react";
import { cn } from "@koi/ui/cn";

export const MAIN_ID = "main";

/**
 * The page's `<main>`: the skip link's target, and where focus goes after a client-side
 * navigation (tabIndex -1: focusable from script, not a Tab stop).
 */
export function MainContent({ className, ...props }: HTMLAttributes<HTMLElement>) {
  return <main id={MAIN_ID} tabIndex={-1} className={cn("outline-none", className)} {...props} />;
}
