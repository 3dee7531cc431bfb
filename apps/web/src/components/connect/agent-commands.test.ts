import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { agentCommands, SIM_PORTS, type TEngineChoice } from "./agent-commands";

const KEY = "koi_live_0123456789abcdefghijklmnopqrstuvwxyzAB";
const ENGINES: TEngineChoice[] = ["sim", "orca", "tuna"];

describe("agentCommands", () => {
  it("puts the key in the environment once and on no command line", () => {
    for (const engine of ENGINES) {
      const steps = agentCommands({ engine, koiUrl: "https://koi.example", apiKey: KEY });
      const withKey = steps.filter((s) => s.command.includes(KEY));
      expect(withKey.map((s) => s.command)).toEqual([`export KOI_API_KEY='${KEY}'`]);
      for (const s of steps) expect(s.command).not.toContain("--api-key");
      for (const s of steps) expect(s.command).not.toContain("--engine-key");
      // The key step comes before the agent uses it.
      const keyAt = steps.findIndex((s) => s.command.startsWith("export KOI_API_KEY="));
      const agentAt = steps.findIndex((s) => s.command.includes("koi-agent"));
      expect(keyAt).toBeLessThan(agentAt);
    }
  });

  it("starts the simulator on ports the demo of scripts/start.sh does not use", () => {
    const startSh = readFileSync(new URL("../../../../../scripts/start.sh", import.meta.url), "utf8");
    const demoPorts = /^DEMO_PORTS=\(([\d ]+)\)/m.exec(startSh)![1]!.trim().split(/\s+/).map(Number);
    expect(demoPorts).toContain(26336);
    for (const port of Object.values(SIM_PORTS)) expect(demoPorts).not.toContain(port);
    const commands = agentCommands({ engine: "sim", koiUrl: "http://localhost:3000", apiKey: KEY })
      .map((s) => s.command)
      .join("\n");
    for (const port of demoPorts) expect(commands).not.toMatch(new RegExp(`[:\\s]${port}\\b`));
  });

  it("sends Orca's webhooks to Koi with the key from the environment", () => {
    const webhook = agentCommands({ engine: "orca", koiUrl: "https://koi.example", apiKey: KEY }).at(-1)!;
    expect(webhook.command).toBe('KOI_SERVICE_URL="https://koi:$KOI_API_KEY@koi.example/api/v1/orca" python server.py');
  });
});
