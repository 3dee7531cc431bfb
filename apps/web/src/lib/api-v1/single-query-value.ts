import { badRequest } from "./api-error-response.ts";

/**
 * A query parameter that takes one value: null when absent, 400 when given more than once. Servers,
 * proxies and caches disagree on which of `?wait=1&wait=30` counts (first, last, both), so a check
 * made by one of them may not be the one applied here: a repeated parameter is refused instead.
 */
export function singleQueryValue(url: URL, name: string): string | null {
  const values = url.searchParams.getAll(name);
  if (values.length > 1)
    throw badRequest(`The query parameter ${name} is given ${values.length} times; give it once.`, {
      [name]: "given more than once",
    });
  return values[0] ?? null;
}
