"use client";

import { ApiReferenceReact } from "@scalar/api-reference-react";
import "@scalar/api-reference-react/style.css";
import { useMemo, useSyncExternalStore } from "react";

const DARK = "(prefers-color-scheme: dark)";

// Scalar's own greys and its GET green miss WCAG AA (3.2–4.4:1); these keep its look at ≥ 4.5:1.
const CONTRAST_CSS = `
.light-mode { --scalar-color-3: #666666; --scalar-color-green: #00704a; }
.dark-mode { --scalar-color-3: #a0a0a0; }
`;
const subscribe = (onChange: () => void) => {
  const query = window.matchMedia(DARK);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
};

/**
 * Scalar's reference for /api/v1/openapi.json: navigation, schemas, request and response
 * examples, and "Test request" against this server. Everything it fetches is this origin's (the
 * CSP allows no other): no web fonts, no telemetry, no hosted agent, no proxy. It follows the
 * system's light or dark setting, like the rest of the app.
 */
export function ApiReference() {
  const dark = useSyncExternalStore(
    subscribe,
    () => window.matchMedia(DARK).matches,
    () => false,
  );
  const configuration = useMemo(
    () => ({
      url: "/api/v1/openapi.json",
      forceDarkModeState: dark ? ("dark" as const) : ("light" as const),
      hideDarkModeToggle: true,
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      documentDownloadType: "json" as const,
      showDeveloperTools: "never" as const,
      customCss: CONTRAST_CSS,
    }),
    [dark],
  );
  return <ApiReferenceReact configuration={configuration} />;
}
