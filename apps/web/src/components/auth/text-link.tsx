import Link from "next/link";
import type { ComponentProps } from "react";
import { cn } from "@koi/ui/cn";

export function TextLink({ className, ...props }: ComponentProps<typeof Link>) {
  return (
    <Link
      className={cn(
        "font-medium text-link underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-ring",
        className,
      )}
      {...props}
    />
  );
}
