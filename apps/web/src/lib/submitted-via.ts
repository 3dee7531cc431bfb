const LABELS: Record<string, string> = { ui: "the dashboard", api: "the API", cli: "the CLI" };

/** "via the API": how a workload reached Koi (`Workload.submittedVia`), as people say it. */
export function submittedViaLabel(via: string): string {
  return LABELS[via] ?? via;
}
