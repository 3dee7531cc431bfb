"use client";

import type { ComponentProps } from "react";
import { cn } from "./cn.tsx";

const variants = {
  primary: "bg-brand-700 text-white hover:bg-brand-800 disabled:bg-brand-700/50",
  secondary:
    "border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800",
  danger: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-600/50",
  ghost: "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
} as const;

export type TButtonProps = ComponentProps<"button"> & {
  variant?: keyof typeof variants;
  size?: "sm" | "md";
  /**
   * Work started by this button is running: it ignores clicks and says so, but unlike `disabled`
   * keeps keyboard focus (a disabled button drops focus to the page body).
   */
  pending?: boolean;
};

export function Button({ variant = "primary", size = "md", pending, className, onClick, ...props }: TButtonProps) {
  return (
    <button
      aria-disabled={pending || undefined}
      onClick={(e) => {
        if (pending) e.preventDefault();
        else onClick?.(e);
      }}
      className={cn(
        "inline-flex items-center justify-center gap-2 rounded-md font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring disabled:cursor-not-allowed aria-disabled:cursor-progress",
        size === "sm" ? "h-8 px-3 text-sm" : "h-10 px-4 text-sm",
        variants[variant],
        className,
      )}
      {...props}
    />
  );
}
