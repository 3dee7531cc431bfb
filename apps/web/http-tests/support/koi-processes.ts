import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const workerDir = path.resolve(webDir, "../worker");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export type TKoiSettings = {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  baseUrl: string;
  authSecret: string;
};

/** The environment every Koi process of one suite run shares: one database, one Redis prefix. */
export function koiEnv(s: TKoiSettings): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: s.databaseUrl,
    REDIS_URL: s.redisUrl,
    KOI_REDIS_PREFIX: s.prefix,
    APP_URL: s.baseUrl,
    AUTH_SECRET: s.authSecret,
    KOI_TRUST_PROXY: "0",
    KOI_AUTH_LIMIT_PER_15_MIN: "10",
    KOI_WAITLIST_LIMIT_PER_HOUR: "5",
    LOG_LEVEL: "warn",
  };
}

export type TKoiProcess = { child: ChildProcess; log: () => string; stop: () => Promise<void> };

function start(cwd: string, args: string[], env: NodeJS.ProcessEnv): TKoiProcess {
  let output = "";
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return {
    child,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** Koi's web server (the built app) on `port`, answering once `/` does. */
export async function startWeb(port: number, env: NodeJS.ProcessEnv): Promise<TKoiProcess> {
  const web = start(webDir, ["--import", "tsx", "server/main.ts", "--port", String(port)], env);
  await waitForHttp(`http://localhost:${port}/`, web).catch(async (err) => {
    await web.stop();
    throw err;
  });
  return web;
}

/** A worker process, healthy once its health endpoint answers 200. */
export async function startWorker(env: NodeJS.ProcessEnv): Promise<TKoiProcess> {
  const healthPort = await freePort();
  const worker = start(workerDir, ["--import", "tsx", "src/main.ts"], {
    ...env,
    KOI_WORKER_HEALTH_PORT: String(healthPort),
  });
  await waitForHttp(`http://127.0.0.1:${healthPort}/healthz`, worker, (s) => s === 200).catch(async (err) => {
    await worker.stop();
    throw err;
  });
  return worker;
}

async function waitForHttp(url: string, proc: TKoiProcess, ready = (status: number) => status < 500) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`the process exited (${proc.child.exitCode}):\n${proc.log()}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => ready(r.status),
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`nothing answered at ${url} within 120 s:\n${proc.log()}`);
}
