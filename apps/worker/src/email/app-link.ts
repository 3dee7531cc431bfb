/** An absolute link into the web app; keeps any path APP_URL is mounted under. */
export function appLink(appUrl: string, path: string, params: Record<string, string>): string {
  const url = new URL(appUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  url.search = new URLSearchParams(params).toString();
  url.hash = "";
  return url.toString();
}
