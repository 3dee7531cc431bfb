"use client";

import dynamic from "next/dynamic";

/** Scalar mounts in the browser only (it is a Vue app); its code loads with this page alone. */
export const ApiReferenceLoader = dynamic(() => import("./api-reference").then((m) => m.ApiReference), {
  ssr: false,
  loading: () => (
    <p className="p-8 text-sm text-muted-foreground" aria-busy="true">
      Loading the API reference…
    </p>
  ),
});
