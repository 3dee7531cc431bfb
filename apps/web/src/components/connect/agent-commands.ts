export type TEngineChoice = "sim" | "orca" | "tuna";

/** The shell commands a user runs beside their engine; kept in one place so docs and UI agree. */
export function agentCommands({ engine, koiUrl, apiKey }: { engine: TEngineChoice; koiUrl: string; apiKey: string }) {
  const agent = (engineFlags: string) => `npx koi-agent --koi-url ${koiUrl} --api-key ${apiKey} ${engineFlags}`;
  switch (engine) {
    case "sim":
      return [
        {
          title: "Start the engine simulator",
          note: "Simulated Orca (port 26336) and Tuna (port 8080), 60× faster than real time.",
          command: "npm run start -w @koi/engine-sim -- --orca-port 26336 --tuna-port 8080 --speed 60",
        },
        {
          title: "Run the agent",
          note: "It registers, then shows up on the Fleet page within one heartbeat.",
          command: agent("--engine sim --engine-url http://localhost:26336"),
        },
      ];
    case "orca":
      return [
        {
          title: "Run the agent beside Orca",
          note: "Pass Orca's ORCA_API_KEY if your server sets one.",
          command: agent("--engine orca --engine-url http://localhost:26336 --engine-key $ORCA_API_KEY"),
        },
        {
          title: "Point Orca's webhooks at Koi (optional)",
          note: "An unmodified Orca can also post its lifecycle events straight to Koi: the key goes in the URL as a Basic-auth password.",
          command: `KOI_SERVICE_URL=${koiUrl.replace("://", `://koi:${apiKey}@`)}/api/v1/orca python server.py`,
        },
      ];
    case "tuna":
      return [
        {
          title: "Run the agent beside the Tuna router",
          note: "The router key is in ~/.tuna/deployments.db (router_metadata.router_api_key).",
          command: agent("--engine tuna --engine-url http://localhost:8080 --engine-key $TUNA_ROUTER_KEY"),
        },
      ];
  }
}
