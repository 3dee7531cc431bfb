// Public API of @koi/planner.
export * from "./types.ts";
export { predictPerformance, type TPerfInput, type TPerfResult } from "./perf/predict-performance.ts";
export { parsePerfRows } from "./perf/parse-perf-rows.ts";
export { errorBand, predictRow, type TRowResult } from "./perf/predict-row.ts";
export { ENGINE_PROFILES, type TEngineProfile, type TEngineProfileName } from "./perf/engine-profiles.ts";
export {
  emptyCalibration,
  recordObservation,
  correctionFactor,
  calibrationKey,
  type TCalibrationTable,
  type TCalibrationEntry,
  type TCalibrationKey,
} from "./perf/calibration.ts";
export {
  resolvePoolShape,
  startupHours,
  PROVISIONING_SECONDS,
  DEFAULT_LOAD_GBS,
  type TMachineShape,
} from "./machines/resolve-pool-shape.ts";
export { kvTransferMs } from "./select/evaluate-plan.ts";
export { rebaseAlternatives } from "./select/describe-plan.ts";
export { selectGpus, selectGpusWith, DEFAULT_SAFETY_MARGIN, type TSelectOptions } from "./select/select-gpus.ts";
export {
  engineSentence,
  routeEngine,
  VM_PROVISIONING_HOURS,
  type TRouteDecision,
  type TRoutePlan,
} from "./route/route-engine.ts";
export { createRandom, type TRandom } from "./random/seeded-random.ts";
export { estimateRate, ZProgressSample, type TProgressSample, type TRateEstimate } from "./forecast/estimate-rate.ts";
export { forecastFinish, type TFinishForecast, type TForecastInput } from "./forecast/forecast-finish.ts";
export { recommendAction, type TRecommendation, type TRecommendInput } from "./forecast/recommend-action.ts";
export { formatDuration } from "./forecast/format-duration.ts";
export { rebalanceForUrgent, type TRebalanceInput, type TRebalanceResult } from "./rebalance/rebalance-for-urgent.ts";
export { costTunaTrace, type TTunaTraceCost } from "./tuna/cost-tuna-trace.ts";
export { simulateTunaRouter, ZTunaTraceInput, type TTunaTraceInput } from "./tuna/simulate-tuna-router.ts";
export { generateFleetTrace } from "./sim/generate-fleet-trace.ts";
export { simulateFleet } from "./sim/simulate-fleet.ts";
export { sizingLoad } from "./online/sizing-load.ts";
export {
  forecastLoad,
  ZRateSample,
  type TRateSample,
  type TLoadForecast,
  type TLoadForecastInput,
  type TLoadForecastPoint,
} from "./online/forecast-load.ts";
export { planOnlineCapacity, ONLINE_DEFAULTS } from "./online/plan-online-capacity.ts";
export {
  ZTunaScalingPolicy,
  type TTunaScalingPolicy,
  type TOnlinePlan,
  type TOnlinePlanOptions,
  type TOnlineScalingState,
  type TOnlineService,
  type TPlanOnlineInput,
  type TServerlessOffer,
  type TSpeedTable,
  type TSwitchPlan,
  type TVariant,
  type TVmPool,
} from "./online/online-types.ts";
export { toOnlineDecisionRow, type TOnlineDecisionRow } from "./online/to-decision-row.ts";
export { estimateSpeed, summarizeSpeeds } from "./online/estimate-speed.ts";
export { speedKey, variantKey } from "./online/size-variants.ts";
export { profileReplica, type TReplicaShape, type TReplicaProfile } from "./online/profile-replica.ts";
export { latencyAtRate, sustainedRate, type TRateLatency, type TSustainedRate } from "./online/latency-at-rate.ts";
export { measureForecastError, type TForecastError } from "./online/measure-forecast-error.ts";
export { simulateOnlineWeek } from "./sim/simulate-online-week.ts";
