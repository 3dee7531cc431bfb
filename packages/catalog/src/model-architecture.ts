/** Serving precision of the weights. */
export type TPrecision = "bf16" | "fp8" | "int4";

/**
 * A model given by its architecture numbers instead of a catalog name (a workload's
 * `architecture`). Parameter counts are in billions; omitted ones are derived from the shapes.
 */
export type TModelArchitecture = {
  layers: number;
  hiddenSize: number;
  heads: number;
  kvHeads: number;
  headDim?: number;
  ffnSize: number;
  vocabSize: number;
  paramsTotalB?: number;
  paramsActiveB?: number;
  maxContext?: number;
  moe?: { experts: number; topK: number; sharedExperts: number; expertFfnSize: number; denseLayers: number };
  mla?: { kvLoraRank: number; ropeDim: number; qLoraRank?: number };
};
