import { closestNames, normalizeName, UnknownNameError } from "./closest-names.ts";
import { findGpu } from "./gpus.ts";

// Machines as clouds sell them: GPUs come in whole instances, billed per machine-hour. The planner
// buys whole machines and spans a replica's pipeline stages across them over `networkGbps`.

export type TInstanceShape = {
  /** The cloud's instance type name. */
  id: string;
  provider: "aws" | "gcp" | "azure";
  /** Catalog GPU id (gpus.ts). */
  gpuType: string;
  gpusPerMachine: number;
  /** How the machine's GPUs exchange tensor-parallel traffic. */
  interconnect: "nvlink" | "pcie";
  /** Network between machines (ENA/EFA, GPUDirect-TCPX, InfiniBand), Gbit/s per machine. */
  networkGbps: number;
  /**
   * Weights from the machine's storage into GPU memory, GB/s per machine: a default for block
   * storage of the kind the instance ships with; pools report their own when they know it (est.).
   */
  loadGBs: number;
  /** List price per machine-hour, us-east-1 / us-central1 / East US; undefined where not sold that way. */
  onDemandPerHour?: number;
  /** Mid-range spot price per machine-hour in the same snapshot. */
  spotPerHour?: number;
  source: string;
};

// AWS prices are the SkyPilot catalog snapshot already used in prices.ts (pre-June-2025 list
// prices; P-family on-demand is an upper bound); specs are AWS's accelerated-computing instance
// table. GCP and Azure rows are their GPU machine-type pages as of 2025 (list prices, est.).
const AWS_SPECS = "AWS EC2 accelerated computing instance specs (2025)";
const AWS_PRICES = "skypilot-catalog v7/aws/vms.csv @001367d (pre-June-2025 list prices)";
const GCP = "cloud.google.com GPU machine types and VM pricing, us-central1 (2025, est.)";
const AZURE = "learn.microsoft.com ND/NC-series sizes and Azure VM pricing, East US (2025, est.)";
/** EBS gp3 tops out at 1 GB/s per volume; local NVMe RAID and larger machines read faster (est.). */
const EBS_GBS = 1;
const NVME_GBS = 4;

const aws = (
  id: string,
  gpuType: string,
  gpus: number,
  interconnect: "nvlink" | "pcie",
  networkGbps: number,
  loadGBs: number,
  onDemandPerHour?: number,
  spotPerHour?: number,
): TInstanceShape => ({
  id,
  provider: "aws",
  gpuType,
  gpusPerMachine: gpus,
  interconnect,
  networkGbps,
  loadGBs,
  onDemandPerHour,
  spotPerHour,
  source: `${AWS_SPECS}; ${AWS_PRICES}`,
});

export const INSTANCE_SHAPES: readonly TInstanceShape[] = [
  aws("g5.xlarge", "A10G", 1, "pcie", 10, EBS_GBS, 1.006, 0.4075),
  aws("g5.12xlarge", "A10G", 4, "pcie", 40, EBS_GBS, 5.672, 2.36),
  aws("g5.48xlarge", "A10G", 8, "pcie", 100, NVME_GBS, 16.288),
  aws("g6.xlarge", "L4", 1, "pcie", 10, EBS_GBS, 0.8048, 0.4025),
  aws("g6.12xlarge", "L4", 4, "pcie", 40, EBS_GBS, 4.6016),
  aws("g6.48xlarge", "L4", 8, "pcie", 100, NVME_GBS, 13.35, 3.515),
  aws("g6e.xlarge", "L40S", 1, "pcie", 20, EBS_GBS, 1.861, 1.0),
  aws("g6e.12xlarge", "L40S", 4, "pcie", 100, EBS_GBS, 10.493),
  aws("g6e.48xlarge", "L40S", 8, "pcie", 400, NVME_GBS, 30.131, 8.66),
  aws("p4d.24xlarge", "A100-40GB", 8, "nvlink", 400, NVME_GBS, 32.77, 7.35),
  aws("p4de.24xlarge", "A100-80GB", 8, "nvlink", 400, NVME_GBS, 40.97, 6.825),
  aws("p5.48xlarge", "H100-SXM", 8, "nvlink", 3200, NVME_GBS, 98.32, 25.65),
  aws("p5e.48xlarge", "H200", 8, "nvlink", 3200, NVME_GBS),
  aws("p5en.48xlarge", "H200", 8, "nvlink", 3200, NVME_GBS, 84.8, 24.3),
  {
    id: "a2-highgpu-1g",
    provider: "gcp",
    gpuType: "A100-40GB",
    gpusPerMachine: 1,
    interconnect: "nvlink",
    networkGbps: 24,
    loadGBs: EBS_GBS,
    onDemandPerHour: 3.67,
    source: GCP,
  },
  {
    id: "a2-highgpu-8g",
    provider: "gcp",
    gpuType: "A100-40GB",
    gpusPerMachine: 8,
    interconnect: "nvlink",
    networkGbps: 100,
    loadGBs: NVME_GBS,
    onDemandPerHour: 29.39,
    source: GCP,
  },
  {
    id: "a2-ultragpu-8g",
    provider: "gcp",
    gpuType: "A100-80GB",
    gpusPerMachine: 8,
    interconnect: "nvlink",
    networkGbps: 100,
    loadGBs: NVME_GBS,
    onDemandPerHour: 40.55,
    source: GCP,
  },
  {
    id: "a3-highgpu-8g",
    provider: "gcp",
    gpuType: "H100-SXM",
    gpusPerMachine: 8,
    interconnect: "nvlink",
    networkGbps: 1000,
    loadGBs: NVME_GBS,
    onDemandPerHour: 88.25,
    source: GCP,
  },
  {
    id: "a3-megagpu-8g",
    provider: "gcp",
    gpuType: "H100-SXM",
    gpusPerMachine: 8,
    interconnect: "nvlink",
    networkGbps: 1800,
    loadGBs: NVME_GBS,
    source: GCP,
  },
  {
    id: "g2-standard-4",
    provider: "gcp",
    gpuType: "L4",
    gpusPerMachine: 1,
    interconnect: "pcie",
    networkGbps: 10,
    loadGBs: EBS_GBS,
    onDemandPerHour: 0.71,
    source: GCP,
  },
  {
    id: "g2-standard-48",
    provider: "gcp",
    gpuType: "L4",
    gpusPerMachine: 4,
    interconnect: "pcie",
    networkGbps: 50,
    loadGBs: EBS_GBS,
    onDemandPerHour: 4.0,
    source: GCP,
  },
  {
    id: "Standard_ND96asr_v4",
    provider: "azure",
    gpuType: "A100-40GB",
    gpusPerMachine: 8,
    interconnect: "nvlink",
    networkGbps: 1600,
    loadGBs: NVME_GBS,
    onDemandPerHour: 27.2,
    source: AZURE,
  },
  {
    id: "Standard_ND96amsr_A100_v4",
    provider: "azure",
    gpuType: "A100-80GB",
    gpusPerMachine: 8,
    interconnect: "nvlink",
    networkGbps: 1600,
    loadGBs: NVME_GBS,
    onDemandPerHour: 32.77,
    source: AZURE,
  },
  {
    id: "Standard_ND96isr_H100_v5",
    provider: "azure",
    gpuType: "H100-SXM",
    gpusPerMachine: 8,
    interconnect: "nvlink",
    networkGbps: 3200,
    loadGBs: NVME_GBS,
    onDemandPerHour: 98.32,
    source: AZURE,
  },
  {
    id: "Standard_NC40ads_H100_v5",
    provider: "azure",
    gpuType: "H100-PCIe",
    gpusPerMachine: 1,
    interconnect: "pcie",
    networkGbps: 40,
    loadGBs: EBS_GBS,
    onDemandPerHour: 6.98,
    source: AZURE,
  },
];

/** The shape named `id` (case- and separator-insensitive), or undefined. */
export function tryFindInstanceShape(id: string): TInstanceShape | undefined {
  const key = normalizeName(id);
  return INSTANCE_SHAPES.find((s) => normalizeName(s.id) === key);
}

/** The shape named `id`; an unknown name throws with the closest known names. */
export function findInstanceShape(id: string): TInstanceShape {
  const shape = tryFindInstanceShape(id);
  if (shape) return shape;
  throw new UnknownNameError(
    "instance shape",
    id,
    closestNames(
      id,
      INSTANCE_SHAPES.map((s) => s.id),
    ),
  );
}

/** Shapes that carry `gpuType`, fewest GPUs first (the smallest machine a replica can rent). */
export function shapesForGpu(gpuType: string): TInstanceShape[] {
  const id = findGpu(gpuType).id;
  return INSTANCE_SHAPES.filter((s) => s.gpuType === id).sort((a, b) => a.gpusPerMachine - b.gpusPerMachine);
}
