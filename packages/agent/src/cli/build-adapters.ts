import type { TEngineAdapter } from "../adapters/types.ts";
import { createOrcaAdapter } from "../adapters/orca/orca-adapter.ts";
import { createTunaAdapter } from "../adapters/tuna/tuna-adapter.ts";
import type { TLogger } from "../logger.ts";
import type { TAgentCliConfig } from "./parse-args.ts";

/** `orca` and `tuna` are one adapter each; `sim` is both, pointed at apps/engine-sim. */
export function buildAdapters(config: TAgentCliConfig, logger: TLogger): TEngineAdapter[] {
  const webhook =
    config.webhookPort === null
      ? null
      : {
          host: config.webhookHost,
          port: config.webhookPort,
          pathPrefix: config.webhookPathPrefix,
          secret: config.webhookSecret ?? null,
        };
  const orca = (allowSyntheticInput: boolean) =>
    createOrcaAdapter({
      url: config.engineUrl,
      apiKey: config.engineKey ?? null,
      logger,
      webhook,
      allowSyntheticInput,
      userId: `koi:${config.clusterName}`,
    });
  const tuna = (url: string, apiKey: string | undefined) =>
    createTunaAdapter({
      url,
      apiKey: apiKey ?? null,
      ...(config.tuna.model ? { model: config.tuna.model } : {}),
      gpuType: config.tuna.gpuType,
      gpuCount: config.tuna.gpuCount,
      serverlessProvider: config.tuna.serverlessProvider,
      ...(config.tuna.spotPricePerGpuHour === undefined
        ? {}
        : { spotPricePerGpuHour: config.tuna.spotPricePerGpuHour }),
      ...(config.tuna.onDemandPricePerGpuHour === undefined
        ? {}
        : { onDemandPricePerGpuHour: config.tuna.onDemandPricePerGpuHour }),
      ...(config.tuna.serverlessPricePerGpuHour === undefined
        ? {}
        : { serverlessPricePerGpuHour: config.tuna.serverlessPricePerGpuHour }),
      ...(config.tuna.serverlessWorkersMax === undefined
        ? {}
        : { serverlessWorkersMax: config.tuna.serverlessWorkersMax }),
      ...(config.tuna.spotMaxReplicas === undefined ? {} : { spotMaxReplicas: config.tuna.spotMaxReplicas }),
      ...(config.tuna.serverlessAuthToken ? { serverlessAuthToken: config.tuna.serverlessAuthToken } : {}),
      colocated: config.tuna.colocated,
      ...(config.tuna.scalingPolicyCommand ? { scalingPolicyCommand: config.tuna.scalingPolicyCommand } : {}),
      variants: config.tuna.variants,
      ...(config.tuna.switchCommand ? { switchCommand: config.tuna.switchCommand } : {}),
      ...(config.region ? { region: config.region } : {}),
      logger,
    });
  switch (config.engine) {
    case "orca":
      return [orca(false)];
    case "tuna":
      return [tuna(config.engineUrl, config.engineKey)];
    case "sim":
      if (!config.tuna.url)
        throw new Error(
          "--engine sim needs --tuna-url (the simulator's Tuna port) as well as --engine-url (its Orca port)",
        );
      return [orca(true), tuna(config.tuna.url, config.tuna.apiKey)];
  }
}
