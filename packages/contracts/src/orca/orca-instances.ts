/*
 * Facts about Orca's GPU names and AWS instance table (ENGINE_CONTRACTS B.3, C.5), shared by the
 * agent's Orca adapter and the engine simulator so both sides agree on every quirk.
 */

export type TOrcaGpuName = "H100" | "A100" | "L40S" | "L4" | "A10G" | "V100";
export type TOrcaInstanceSpec = {
  instanceType: string;
  gpuType: TOrcaGpuName;
  gpus: number;
  vcpus: number;
  gpuMemoryGb: number;
  quotaFamily: "P5" | "P4_P3_P2" | "G";
};

function family(instanceType: string): TOrcaInstanceSpec["quotaFamily"] {
  if (instanceType.startsWith("p5")) return "P5";
  if (instanceType.startsWith("p")) return "P4_P3_P2";
  return "G";
}

const rows: [string, TOrcaGpuName, number, number, number][] = [
  ["p5.48xlarge", "H100", 8, 192, 80],
  ["p4d.24xlarge", "A100", 8, 96, 40],
  ["p4de.24xlarge", "A100", 8, 96, 80],
  ...(["", "2", "4", "8", "16"] as const).flatMap((size, i): [string, TOrcaGpuName, number, number, number][] => [
    [`g6e.${size}xlarge`, "L40S", 1, 4 * 2 ** i, 48],
    [`g6.${size}xlarge`, "L4", 1, 4 * 2 ** i, 24],
    [`g5.${size}xlarge`, "A10G", 1, 4 * 2 ** i, 24],
  ]),
  ["g6e.12xlarge", "L40S", 4, 48, 48],
  ["g6e.24xlarge", "L40S", 4, 96, 48],
  ["g6e.48xlarge", "L40S", 8, 192, 48],
  ["g6.12xlarge", "L4", 4, 48, 24],
  ["g6.24xlarge", "L4", 4, 96, 24],
  ["g6.48xlarge", "L4", 8, 192, 24],
  ["g5.12xlarge", "A10G", 4, 48, 24],
  ["g5.24xlarge", "A10G", 4, 96, 24],
  ["g5.48xlarge", "A10G", 8, 192, 24],
  ["p3.2xlarge", "V100", 1, 8, 16],
  ["p3.8xlarge", "V100", 4, 32, 16],
  ["p3.16xlarge", "V100", 8, 64, 32],
  ["p3dn.24xlarge", "V100", 8, 96, 32],
];

/** Orca's `AWS_INSTANCES`, in table order (smallest first within a GPU type). */
export const ORCA_INSTANCES: readonly TOrcaInstanceSpec[] = rows.map(
  ([instanceType, gpuType, gpus, vcpus, gpuMemoryGb]) => ({
    instanceType,
    gpuType,
    gpus,
    vcpus,
    gpuMemoryGb,
    quotaFamily: family(instanceType),
  }),
);

/** The instances `/resources` lists (C.5): p5, p4d, p4de and the 12/24/48xlarge g6e, g5, g6. */
export function isResourcesInstance(instanceType: string): boolean {
  return /^(p5\.|p4de?\.)/.test(instanceType) || /^g(6e|5|6)\.(12|24|48)xlarge$/.test(instanceType);
}

/**
 * Orca's `resolve_gpu_type_to_instance`: the smallest instance of the GPU type with at least
 * `minGpus` GPUs. A100 always resolves to p4d (40 GB): p4d comes first and has as many GPUs as p4de.
 */
export function resolveOrcaInstance(gpuType: string, minGpus: number): TOrcaInstanceSpec | undefined {
  const name = normalizeOrcaGpuName(gpuType);
  return ORCA_INSTANCES.filter((i) => i.gpuType === name && i.gpus >= minGpus).sort(
    (a, b) => a.gpus - b.gpus || a.vcpus - b.vcpus,
  )[0];
}

/** Orca's normalisation: upper-case, drop "NVIDIA ", anything containing A100 is A100. */
export function normalizeOrcaGpuName(gpuType: string): string {
  const upper = gpuType.toUpperCase().replace(/^NVIDIA\s+/, "");
  return upper.includes("A100") ? "A100" : upper;
}

/**
 * Koi catalog GPU → the name Orca accepts in `gpu_type`. Both A100 sizes become "A100", which Orca
 * launches on p4d.24xlarge (40 GB) — `KOI_TO_ORCA_WARNINGS` says so to whoever asked for 80 GB.
 */
export const KOI_TO_ORCA_GPU: Readonly<Record<string, TOrcaGpuName>> = {
  "H100-SXM": "H100",
  H100: "H100",
  "A100-80GB": "A100",
  "A100-40GB": "A100",
  A100: "A100",
  L40S: "L40S",
  L4: "L4",
  A10G: "A10G",
  V100: "V100",
};

export const KOI_TO_ORCA_WARNINGS: Readonly<Record<string, string>> = {
  "A100-80GB": "Orca resolves A100 to p4d.24xlarge (A100 40 GB), never p4de: the replica gets 40 GB GPUs",
};

/** Orca GPU name (+ memory where it matters) → Koi catalog name. A100 ≥ 70 GB is the 80 GB part (Koi v2's rule). */
export function orcaToKoiGpu(gpuType: string, gpuMemoryGb?: number): string {
  const name = normalizeOrcaGpuName(gpuType);
  if (name === "H100") return "H100-SXM";
  if (name === "A100") return gpuMemoryGb !== undefined && gpuMemoryGb >= 70 ? "A100-80GB" : "A100-40GB";
  return name;
}

/** Koi market → Orca `planned_market`; null for markets Orca cannot launch. */
export function koiToOrcaMarket(market: string): "spot" | "on_demand" | null {
  if (market === "spot") return "spot";
  // AWS reserved capacity (capacity blocks, RIs) is consumed as on-demand launches.
  if (market === "on-demand" || market === "reserved") return "on_demand";
  return null;
}
