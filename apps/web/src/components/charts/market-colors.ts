/** One colour per place GPUs run, the same in every chart and legend. */
export const MARKET_COLORS: Record<string, string> = {
  spot: "#f26b1d",
  "on-demand": "#2563eb",
  reserved: "#7c3aed",
  "on-prem": "#0f766e",
  serverless: "#db2777",
  router: "#71717a",
};
export const OTHER_COLOR = "#a1a1aa";
