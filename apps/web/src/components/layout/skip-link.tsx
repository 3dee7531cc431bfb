import { MAIN_ID } from "./main-content";

/** The first Tab stop of every page: straight past the header to the content. */
export function SkipLink() {
  return (
    <a
      href={`#${MAIN_ID}`}
      className="sr-only rounded-md bg-white px-4 py-2 text-sm font-medium text-zinc-900 shadow-lg ring-2 ring-ring focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50 dark:bg-zinc-900 dark:text-zinc-100"
    >
      Skip to main content
    </a>
  );
}
