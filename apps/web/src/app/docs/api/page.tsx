import type { Metadata } from "next";
import Link from "next/link";
import { ApiReferenceLoader } from "@/components/docs/api-reference-loader";
import { KoiLogo } from "@/components/koi-logo";
import { MAIN_ID } from "@/components/layout/main-content";

export const metadata: Metadata = { title: "API reference" };

/** The REST API's reference, rendered from the OpenAPI document the shared zod contracts generate. */
export default function ApiDocsPage() {
  return (
    <>
      <header className="border-b border-zinc-200 dark:border-zinc-800">
        <nav aria-label="Site" className="flex h-12 items-center gap-4 px-4 text-sm sm:px-6">
          <Link
            href="/"
            aria-label="Koi home"
            className="rounded-md focus-visible:outline-2 focus-visible:outline-ring"
          >
            <KoiLogo />
          </Link>
          <span className="text-muted-foreground">API reference</span>
          <a
            href="/api/v1/openapi.json"
            className="ml-auto font-medium text-link hover:underline focus-visible:outline-2 focus-visible:outline-ring"
          >
            openapi.json
          </a>
        </nav>
      </header>
      {/* Scalar renders the page's <main> landmark itself; this is the skip link's target around it. */}
      <div id={MAIN_ID} tabIndex={-1} className="outline-none">
        <h1 className="sr-only">Koi REST API reference</h1>
        <ApiReferenceLoader />
      </div>
    </>
  );
}
