import "server-only";
import { headers } from "next/headers";

/** The path and query of this request, as src/proxy.ts saw it (layouts are not told otherwise). */
export async function currentPath(): Promise<string | null> {
  return (await headers()).get("x-koi-pathname");
}
