import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startNode, stopProcess, waitForHttp } from "./processes.ts";
import { startWeb } from "./start-web.ts";
import { e2eEnv, logDirOf, readState, repoRoot, writeState, type TE2eProcess } from "./state.ts";

/** The run's state, from the port of its base URL. */
function currentState() {
  const state = readState(Number(new URL(e2eEnv().baseUrl).port));
  if (!state) throw new Error("no e2e state file: is global setup running?");
  return state;
}

/** Records a process in the run's state, so teardown stops it even when the spec fails. */
function track(proc: TE2eProcess): TE2eProcess {
  const state = currentState();
  state.processes.push(proc);
  writeState(state);
  return proc;
}

/** The engine simulator (Orca + Tuna) and a koi-agent with `apiKey`, as a customer would run them. */
export async function startSimEngineAndAgent(apiKey: string, opts: { simConfig?: string } = {}) {
  const state = currentState();
  const logDir = logDirOf(state.port);
  const [orcaPort, tunaPort, hookPort] = [await freePort(), await freePort(), await freePort()];
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "koi-e2e-agent-"));
  const sim = track(
    startNode(
      "engine-sim",
      path.join(repoRoot, "apps/engine-sim"),
      [
        "--import",
        "tsx",
        "src/cli.ts",
        ...(opts.simConfig ? ["--config", opts.simConfig] : ["--speed", "60", "--seed", "7"]),
        "--orca-port",
        String(orcaPort),
        "--tuna-port",
        String(tunaPort),
        "--koi-service-url",
        `http://127.0.0.1:${hookPort}`,
      ],
      process.env,
      logDir,
    ),
  );
  await waitForHttp(sim, `http://127.0.0.1:${orcaPort}/health`, { timeoutMs: 30_000, ready: (s) => s === 200, logDir });
  const agent = track(
    startNode(
      "koi-agent",
      repoRoot,
      [
        "packages/agent/bin/koi-agent.mjs",
        "--koi-url",
        state.baseUrl,
        "--api-key",
        apiKey,
        "--engine",
        "sim",
        "--engine-url",
        `http://127.0.0.1:${orcaPort}`,
        "--tuna-url",
        `http://127.0.0.1:${tunaPort}`,
        "--spool-dir",
        spoolDir,
        "--webhook-port",
        String(hookPort),
        "--report-interval",
        "1",
      ],
      process.env,
      logDir,
    ),
  );
  return {
    spoolDir,
    agentProcess: agent,
    stop: async () => {
      await stopProcess(agent);
      await stopProcess(sim);
      fs.rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/** Stops the web app and, after `downMs`, starts it again with the same settings (a Koi restart). */
export async function restartWeb(downMs: number): Promise<void> {
  const state = currentState();
  const logDir = logDirOf(state.port);
  const old = state.processes.find((p) => p.name === "web");
  if (old) await stopProcess(old);
  await new Promise((r) => setTimeout(r, downMs));
  const web = startWeb(state);
  state.processes = [...state.processes.filter((p) => p.name !== "web"), web];
  writeState(state);
  await waitForHttp(web, `${state.baseUrl}/`, { timeoutMs: 90_000, ready: () => true, logDir });
}
