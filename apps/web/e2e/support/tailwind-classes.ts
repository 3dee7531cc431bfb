import fs from "node:fs";
import path from "node:path";
import { compile } from "@tailwindcss/node";
import { Scanner } from "@tailwindcss/oxide";
import { repoRoot, webDir } from "./state.ts";

/** Every class name that a stylesheet's selectors use, unescaped (`.hover\:bg-red-700:hover` → `hover:bg-red-700`). */
export function selectorClasses(css: string): Set<string> {
  const classes = new Set<string>();
  const withoutComments = css.replace(/\/\*[\s\S]*?\*\//g, "");
  for (const [, selector] of withoutComments.matchAll(/([^{};]+)\{/g)) {
    if (selector!.trim().startsWith("@")) continue;
    // A class starts with a letter, `-`, `_` or an escape; `.5rem` in a value never reaches here.
    for (const [, raw] of selector!.matchAll(/\.((?:\\[0-9a-fA-F]{1,6} ?|\\[^0-9a-fA-F]|[\w-])+)/g)) {
      if (/^\d/.test(raw!)) continue;
      classes.add(
        raw!
          .replace(/\\([0-9a-fA-F]{1,6}) ?/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
          .replace(/\\(.)/g, "$1"),
      );
    }
  }
  return classes;
}

/**
 * The utility classes Tailwind generates for the class names written in the web app and the shared
 * UI package, compiled with the app's own theme (globals.css) but scanning those two folders
 * explicitly — so a folder the app's build forgets to scan shows up as classes the shipped CSS lacks.
 */
export async function expectedUtilityClasses(): Promise<Set<string>> {
  const globals = path.join(webDir, "src/app/globals.css");
  const compiler = await compile(fs.readFileSync(globals, "utf8"), {
    base: path.dirname(globals),
    onDependency: () => {},
  });
  const scanner = new Scanner({
    sources: [
      { base: path.join(webDir, "src"), pattern: "**/*", negated: false },
      { base: path.join(repoRoot, "packages/ui/src"), pattern: "**/*", negated: false },
    ],
  });
  return selectorClasses(compiler.build(scanner.scan()));
}
