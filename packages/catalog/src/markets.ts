/** Where GPUs come from. On-prem GPUs have no catalog price; serverless is billed per second. */
export const MARKETS = ["on-demand", "spot", "reserved", "on-prem", "serverless"] as const;
export type TMarket = (typeof MARKETS)[number];
