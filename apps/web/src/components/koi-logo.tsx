import { Fish } from "lucide-react";
import { cn } from "@koi/ui/cn";

export function KoiLogo({ className }: { className?: string }) {
  return (
    <span className={cn("flex items-center gap-2 font-semibold tracking-tight", className)}>
      <Fish aria-hidden className="size-5 text-brand-600" />
      Koi
    </span>
  );
}
