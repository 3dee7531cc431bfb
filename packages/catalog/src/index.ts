// @koi/catalog: what Koi knows about GPUs, models and prices, and Tuna's cost formula. Pure data
// and arithmetic (no I/O), so the customer-side agent can price what it reports without the planner.
export { MARKETS, type TMarket } from "./markets.ts";
export { TP_DEGREES } from "./tensor-parallel.ts";
export type { TModelArchitecture, TPrecision } from "./model-architecture.ts";
export { findGpu, tryFindGpu, GPUS, type TGpuSpec } from "./gpus.ts";
export { findModel, resolveModel, precisionFromName, publishedPrecision } from "./find-model.ts";
export { MODELS, modelFromArchitecture, type TModelSpec, type TMoeSpec } from "./model-specs.ts";
export {
  PRICES,
  applyPriceOverrides,
  lookupPrice,
  ZPriceOverride,
  type TPriceEntry,
  type TPriceOverride,
  type TPriceMarket,
} from "./prices.ts";
export { UnknownNameError } from "./closest-names.ts";
export {
  INSTANCE_SHAPES,
  findInstanceShape,
  tryFindInstanceShape,
  shapesForGpu,
  type TInstanceShape,
} from "./instance-shapes.ts";
export { lookupTunaServerlessPrice } from "./tuna/lookup-tuna-serverless-price.ts";
export {
  tunaCostFromRouteStats,
  type TTunaCostReport,
  type TTunaPrices,
  type TTunaRouteStats,
} from "./tuna/tuna-cost-from-route-stats.ts";
