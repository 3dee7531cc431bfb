import { closestNames, normalizeName, UnknownNameError } from "./closest-names.ts";

export type TGpuSpec = {
  id: string;
  /** Other names people and clouds use; matched case- and separator-insensitively. */
  aliases: readonly string[];
  vendor: "nvidia" | "amd";
  /** Dense (no 2:4 sparsity) tensor TFLOPS. */
  bf16Tflops: number;
  /** Undefined when the GPU has no FP8 tensor cores: FP8 weights are then dequantised to BF16. */
  fp8Tflops?: number;
  memoryGb: number;
  /**
   * Total memory the driver reports (nvidia-smi / rocm-smi), in GB of 10^9 bytes: what vLLM's
   * gpu_memory_utilization is a fraction of. HBM parts sold as "80 GB" hold 80 GiB (85.9 GB).
   */
  deviceMemoryGb: number;
  bandwidthGBs: number;
  /** Per-GPU bandwidth available to a TP all-reduce (NVLink or PCIe), GB/s one direction. */
  interconnectGBs: number;
  /** Largest TP group that shares the fast interconnect (one node). */
  maxTp: number;
  /** GDDR parts reach a lower fraction of their peak bandwidth than HBM in decode kernels. */
  memoryKind: "hbm" | "gddr";
  /**
   * Single-thread speed of the host CPU such machines ship with, relative to AMD EPYC Rome (2019):
   * engine scheduling and eager kernel launches run on one host core. Generation-level estimates
   * from public single-thread benchmarks: Rome / Cascade Lake 1.0, Milan 1.25, Sapphire Rapids 1.3,
   * Emerald Rapids 1.35, Genoa 1.5 (est.).
   */
  hostCpuSpeed: number;
  source: string;
};

// Numbers from /work/shared/research/PERF_MODEL_AND_PRICES.md §1 (compiled 2026), which cites the
// vendor sheets and public analyser configs named in each `source`. Dense figures only.
export const GPUS: readonly TGpuSpec[] = [
  {
    id: "A10G",
    aliases: ["NVIDIA A10G", "a10g-24gb", "g5"],
    vendor: "nvidia",
    bf16Tflops: 70,
    memoryGb: 24,
    deviceMemoryGb: 24.15, // 23,028 MiB
    bandwidthGBs: 600,
    interconnectGBs: 25, // PCIe4 x16 ≈ 32 GB/s peak, ~25 achieved (est.)
    maxTp: 8,
    memoryKind: "gddr",
    hostCpuSpeed: 1.0, // g5: EPYC 7R32 (Rome)
    source: "cli99/llm-analysis a10g-pcie-24gb.json; baseten.co/blog/nvidia-a10-vs-a10g (2024)",
  },
  {
    id: "L4",
    aliases: ["NVIDIA L4", "l4-24gb", "g6"],
    vendor: "nvidia",
    bf16Tflops: 121,
    fp8Tflops: 242,
    memoryGb: 24,
    deviceMemoryGb: 24.15, // 23,034 MiB
    bandwidthGBs: 300,
    interconnectGBs: 25, // PCIe4 (est.)
    maxTp: 8,
    memoryKind: "gddr",
    hostCpuSpeed: 1.25, // g6: EPYC 7R13 (Milan)
    source: "yobitel.com/knowledge-base/nvidia-l4 (NVIDIA sheet halves the sparse 242/485)",
  },
  {
    id: "L40S",
    aliases: ["NVIDIA L40S", "l40s-48gb", "g6e"],
    vendor: "nvidia",
    bf16Tflops: 362,
    fp8Tflops: 733,
    memoryGb: 48,
    deviceMemoryGb: 48.31, // 46,068 MiB
    bandwidthGBs: 864,
    interconnectGBs: 25, // PCIe4, no NVLink (est.)
    maxTp: 8,
    memoryKind: "gddr",
    hostCpuSpeed: 1.25, // g6e: EPYC 7R13 (Milan)
    source: "NVIDIA L40S datasheet as reproduced at mullet.se; itcreations.com",
  },
  {
    id: "A100-40GB",
    aliases: ["A100-40", "A100 40GB", "NVIDIA A100-SXM4-40GB", "A100-SXM4-40GB", "A100_40GB", "p4d"],
    vendor: "nvidia",
    bf16Tflops: 312,
    memoryGb: 40,
    deviceMemoryGb: 42.95, // 40,960 MiB
    bandwidthGBs: 1555,
    interconnectGBs: 300, // NVLink3 600 GB/s bidirectional
    maxTp: 8,
    memoryKind: "hbm",
    hostCpuSpeed: 1.0, // p4d: Xeon 8275CL (Cascade Lake)
    source: "cli99/llm-analysis a100-sxm-40gb.json; AWS p4d instance table",
  },
  {
    id: "A100-80GB",
    // Bare "A100" means the 80 GB part, as in Tuna's alias table (ENGINE_CONTRACTS D.2).
    aliases: [
      "A100",
      "A100-80",
      "A100 80GB",
      "NVIDIA A100-SXM4-80GB",
      "A100-SXM4-80GB",
      "NVIDIA A100 80GB",
      "A100_80GB",
      "p4de",
    ],
    vendor: "nvidia",
    bf16Tflops: 312,
    memoryGb: 80,
    deviceMemoryGb: 85.9, // 81,920 MiB
    bandwidthGBs: 2039,
    interconnectGBs: 300,
    maxTp: 8,
    memoryKind: "hbm",
    hostCpuSpeed: 1.0, // DGX A100: EPYC 7742 (Rome); p4de: Cascade Lake
    source: "hahnyuan/LLM-Viewer hardwares/hardware_params.py",
  },
  {
    id: "H100-SXM",
    // Bare "H100" means SXM: it is what p5, Lambda and most clouds rent.
    aliases: [
      "H100",
      "H100-80GB",
      "H100 SXM",
      "NVIDIA H100 80GB HBM3",
      "NVIDIA H100-SXM5-80GB",
      "H100-SXM5",
      "H100-80GB-SXM",
      "p5",
    ],
    vendor: "nvidia",
    bf16Tflops: 989,
    fp8Tflops: 1979,
    memoryGb: 80,
    deviceMemoryGb: 85.52, // 81,559 MiB
    bandwidthGBs: 3350,
    interconnectGBs: 450, // NVLink4 900 GB/s bidirectional
    maxTp: 8,
    memoryKind: "hbm",
    hostCpuSpeed: 1.3, // DGX H100: Xeon 8480C (Sapphire Rapids)
    source: "glennklockwood.com/garden/processors/h100; cli99/llm-analysis h100-sxm-80gb.json",
  },
  {
    id: "H100-PCIe",
    aliases: ["H100 PCIe", "NVIDIA H100 PCIe", "H100-PCIE-80GB", "NVIDIA H100 80GB PCIe"],
    vendor: "nvidia",
    bf16Tflops: 756,
    fp8Tflops: 1513, // est., 2× BF16
    memoryGb: 80,
    deviceMemoryGb: 85.52, // 81,559 MiB
    bandwidthGBs: 2000,
    interconnectGBs: 50, // PCIe5 x16 ≈ 64 GB/s peak; NVLink bridges only pair two cards (est.)
    maxTp: 8,
    memoryKind: "hbm",
    hostCpuSpeed: 1.25, // est.: Milan/SPR servers
    source: "cli99/llm-analysis h100-pcie-80gb.json; NVIDIA PB-11133",
  },
  {
    id: "H200",
    aliases: ["H200-SXM", "NVIDIA H200", "NVIDIA H200 141GB HBM3e", "H200-141GB", "p5en"],
    vendor: "nvidia",
    bf16Tflops: 989,
    fp8Tflops: 1979,
    memoryGb: 141,
    deviceMemoryGb: 150.76, // 143,771 MiB
    bandwidthGBs: 4800,
    interconnectGBs: 450,
    maxTp: 8,
    memoryKind: "hbm",
    hostCpuSpeed: 1.3, // DGX H200 / p5en: Sapphire Rapids
    source: "itkb.uw.cz H200-vs-B300 (Jun 2026); haink.org comparison",
  },
  {
    id: "B200",
    aliases: ["NVIDIA B200", "B200-180GB", "HGX B200", "p6-b200"],
    vendor: "nvidia",
    bf16Tflops: 2250,
    fp8Tflops: 4500,
    memoryGb: 180, // usable of 192 physical
    deviceMemoryGb: 192.3, // ~183,400 MiB (est.)
    bandwidthGBs: 7700,
    interconnectGBs: 900, // NVLink5 1.8 TB/s bidirectional
    maxTp: 8,
    memoryKind: "hbm",
    hostCpuSpeed: 1.35, // DGX B200: Xeon 8570 (Emerald Rapids)
    source: "NVIDIA HGX B200 table at zdszero.github.io (dense = half the sparse 9 PF FP8); fridayswithfaraday.com",
  },
  {
    id: "MI300X",
    aliases: ["AMD MI300X", "AMD Instinct MI300X", "MI300X-192GB"],
    vendor: "amd",
    bf16Tflops: 1307,
    fp8Tflops: 2615,
    memoryGb: 192,
    deviceMemoryGb: 206.1, // 192 GiB
    bandwidthGBs: 5300,
    interconnectGBs: 448, // Infinity Fabric 896 GB/s aggregate
    maxTp: 8,
    memoryKind: "hbm",
    hostCpuSpeed: 1.5, // MI300X platforms: EPYC 9004 (Genoa)
    source: "GenZ Systems/system_configs.py; gpu.blog; jaredwatkins.com",
  },
];

const byName = new Map<string, TGpuSpec>();
for (const gpu of GPUS) {
  for (const name of [gpu.id, ...gpu.aliases]) byName.set(normalizeName(name), gpu);
}

/** Finds a GPU by id or alias (case- and separator-insensitive); throws with close matches. */
export function findGpu(name: string): TGpuSpec {
  const gpu = byName.get(normalizeName(name));
  if (gpu) return gpu;
  throw new UnknownNameError(
    "GPU",
    name,
    closestNames(
      name,
      GPUS.flatMap((g) => [g.id, ...g.aliases]),
      3,
      canonicalGpuId,
    ),
  );
}

function canonicalGpuId(name: string): string {
  return byName.get(normalizeName(name))?.id ?? name;
}

/** Like findGpu but returns undefined instead of throwing. */
export function tryFindGpu(name: string): TGpuSpec | undefined {
  return byName.get(normalizeName(name));
}
