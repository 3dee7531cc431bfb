import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { FocusMainOnNavigate } from "@/components/layout/focus-main-on-navigate";
import { SkipLink } from "@/components/layout/skip-link";
import { TRPCReactProvider } from "@/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Koi — the GPU control plane for LLM inference", template: "%s · Koi" },
  description:
    "Koi picks the cheapest GPUs that meet your SLO, forecasts misses before they happen, and routes work between Tuna and Orca.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading the request makes every page render per request, so Next.js can put the
  // CSP nonce from src/proxy.ts on its scripts (a prerendered page would be blocked).
  await headers();
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen">
        <SkipLink />
        <FocusMainOnNavigate />
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
