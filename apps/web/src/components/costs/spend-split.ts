import { SPEND_COMPONENTS, type TSpendComponent } from "./spend-series";

// The three markets people choose between are always listed (a $0.00 serverless says it went
// unused); reserved, on-prem and the router only when they cost something.
const MARKETS: readonly TSpendComponent[] = ["spot", "serverless", "on-demand"];

export type TSpendShare = { component: TSpendComponent; usd: number; share: number };

/**
 * The spend split by where it ran, each part with its share: every component is in it, so the
 * parts add up to the spend (on-demand too, which a spot/serverless-only split left out).
 */
export function splitSpend(byComponent: Record<TSpendComponent, number>): TSpendShare[] {
  const total = SPEND_COMPONENTS.reduce((sum, c) => sum + byComponent[c], 0);
  return SPEND_COMPONENTS.filter((c) => MARKETS.includes(c) || byComponent[c] > 0).map((c) => ({
    component: c,
    usd: byComponent[c],
    share: total > 0 ? byComponent[c] / total : 0,
  }));
}
