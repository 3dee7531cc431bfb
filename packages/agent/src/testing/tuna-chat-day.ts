import type { TEngineSim } from "@koi/engine-sim";
import { fastSimConfig } from "@koi/engine-sim/testing/sim-fixtures";
import type { TTunaAdapterOptions } from "../adapters/tuna/tuna-adapter.ts";
import { silentLogger } from "../logger.ts";

type TTunaSimOverrides = NonNullable<Parameters<typeof fastSimConfig>[0]>["tuna"];

/** Tests only: a simulated Tuna router serving a chat day at 300× (2–4 req/s, spot up after 60 s). */
export function chatDaySimConfig(tuna: TTunaSimOverrides = {}) {
  return fastSimConfig({
    speed: 300,
    tuna: {
      apiKey: "k",
      spotProvisionSeconds: 60,
      spotPreemptionPerHour: 0,
      dailyLoad: { peakRps: 4, troughRps: 2, peakHour: 14, startHour: 14 },
      ...tuna,
    },
  });
}

/** Tests only: the Tuna adapter's options for that router (one L4 per replica, Modal serverless). */
export function chatDayAdapterOptions(sim: TEngineSim): TTunaAdapterOptions {
  return {
    url: sim.tunaUrl,
    apiKey: "k",
    gpuType: "L4",
    gpuCount: 1,
    serverlessProvider: "modal",
    spotPricePerGpuHour: 0.4,
    logger: silentLogger,
  };
}
