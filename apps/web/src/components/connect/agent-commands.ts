export type TEngineChoice = "sim" | "orca" | "tuna";
type TAgentStep = { title: string; note?: string; command: string };

/**
 * The simulator's ports on the Connect page: clear of the demo that `scripts/start.sh` runs on the
 * same machine (Orca :26336/:26337, Tuna :8080/:8081, agent listeners :8091/:8092).
 */
export const SIM_PORTS = { orca: 27336, tuna: 27080, agentWebhook: 27091 } as const;

/**
 * The shell commands a user runs beside their engine, kept in one place so docs and UI agree.
 * The key goes into the shell's environment (KOI_API_KEY, which koi-agent reads) and never onto a
 * command line: any user of the machine can read a process's arguments (`ps`), not its environment.
 */
export function agentCommands({
  engine,
  koiUrl,
  apiKey,
}: {
  engine: TEngineChoice;
  koiUrl: string;
  apiKey: string;
}): TAgentStep[] {
  const keyStep: TAgentStep = {
    title: "Put the key in this shell's environment",
    note: "koi-agent reads KOI_API_KEY. Kept out of the command line, the key does not show in `ps` to other users of the machine.",
    command: `export KOI_API_KEY='${apiKey}'`,
  };
  const agent = (flags: string, engineKey?: string) =>
    `${engineKey ? `KOI_ENGINE_KEY="${engineKey}" ` : ""}npx koi-agent --koi-url ${koiUrl} ${flags}`;
  switch (engine) {
    case "sim":
      return [
        {
          title: "Start the engine simulator",
          note: `Simulated Orca (port ${SIM_PORTS.orca}) and Tuna (port ${SIM_PORTS.tuna}), 60× faster than real time; ports clear of Koi's own demo.`,
          command: `npm run start -w @koi/engine-sim -- --orca-port ${SIM_PORTS.orca} --tuna-port ${SIM_PORTS.tuna} --speed 60 --koi-service-url http://127.0.0.1:${SIM_PORTS.agentWebhook}`,
        },
        keyStep,
        {
          title: "Run the agent",
          note: "It registers, then shows up on the Fleet page within one heartbeat.",
          command: agent(
            `--engine sim --engine-url http://127.0.0.1:${SIM_PORTS.orca} --tuna-url http://127.0.0.1:${SIM_PORTS.tuna} --webhook-port ${SIM_PORTS.agentWebhook}`,
          ),
        },
      ];
    case "orca":
      return [
        keyStep,
        {
          title: "Run the agent beside Orca",
          note: "Pass Orca's ORCA_API_KEY if your server sets one; it reaches the agent as KOI_ENGINE_KEY.",
          command: agent("--engine orca --engine-url http://localhost:26336", "$ORCA_API_KEY"),
        },
        {
          title: "Point Orca's webhooks at Koi (optional)",
          note: "An unmodified Orca can also post its lifecycle events straight to Koi: the key goes in the URL as a Basic-auth password.",
          command: `KOI_SERVICE_URL="${koiUrl.replace("://", "://koi:$KOI_API_KEY@")}/api/v1/orca" python server.py`,
        },
      ];
    case "tuna":
      return [
        keyStep,
        {
          title: "Run the agent beside the Tuna router",
          note: "The router key is in ~/.tuna/deployments.db (router_metadata.router_api_key); it reaches the agent as KOI_ENGINE_KEY.",
          command: agent("--engine tuna --engine-url http://localhost:8080", "$TUNA_ROUTER_KEY"),
        },
      ];
  }
}
