// Public API of @koi/planner.
export * from "./types.ts";
export { findGpu, tryFindGpu, GPUS, type TGpuSpec } from "./catalog/gpus.ts";
export { findModel, resolveModel, precisionFromName } from "./catalog/find-model.ts";
export { MODELS, modelFromArchitecture, type TModelSpec, type TMoeSpec } from "./catalog/model-specs.ts";
export { PRICES, applyPriceOverrides, lookupPrice, ZPriceOverride, type TPriceEntry, type TPriceOverride, type TPriceMarket } from "./catalog/prices.ts";
export { UnknownNameError } from "./catalog/closest-names.ts";
export { predictPerformance, type TPerfInput, type TPerfResult } from "./perf/predict-performance.ts";
export { ENGINE_PROFILES, type TEngineProfile } from "./perf/engine-profiles.ts";
export { emptyCalibration, recordObservation, correctionFactor, calibrationKey, type TCalibrationTable, type TCalibrationEntry, type TCalibrationKey } from "./perf/calibration.ts";
