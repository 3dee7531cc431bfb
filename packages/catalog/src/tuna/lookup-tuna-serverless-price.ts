/**
 * Tuna's static serverless price catalog (`tuna/catalog.py`, USD per GPU-hour, as quoted in
 * ENGINE_CONTRACTS D.2). `tuna cost` reads these, not the provider's live price, so reproducing its
 * numbers needs the same table; 0 means "unknown to Tuna", which Tuna also uses.
 */
const TUNA_SERVERLESS_USD_PER_GPU_HOUR: Record<string, Record<string, number>> = {
  modal: { T4: 0.59, A10G: 1.1, L4: 0.8, L40S: 1.95, A100_40GB: 2.1, A100_80GB: 2.5, H100: 3.95, B200: 6.25 },
  runpod: {
    A4000: 0.43,
    A5000: 0.58,
    L4: 2.74,
    RTX4090: 1.01,
    A6000: 0.79,
    L40: 1.15,
    L40S: 1.58,
    A40: 0.79,
    A100_80GB: 1.12,
    H100: 4.97,
    H200: 0.0,
    B200: 0.0,
  },
  cloudrun: { L4: 0.84, RTX_PRO_6000: 0.84 },
  azure: { T4: 0.26, A100_80GB: 1.9 },
  cerebrium: { T4: 0.59, L4: 0.8, A10: 1.1, L40S: 1.95, A100_40GB: 1.45, A100_80GB: 2.06, H100: 2.21 },
  baseten: { T4: 0.63, L4: 0.85, A10G: 1.21, A100_80GB: 4.0, H100_MIG: 3.75, H100: 6.5, B200: 9.98 },
};

const TUNA_GPU_ALIASES: Record<string, string> = { A100: "A100_80GB", "4090": "RTX4090" };

export function lookupTunaServerlessPrice(gpu: string, provider: string): number {
  const name = TUNA_GPU_ALIASES[gpu] ?? gpu;
  return TUNA_SERVERLESS_USD_PER_GPU_HOUR[provider.toLowerCase()]?.[name] ?? 0.0;
}
