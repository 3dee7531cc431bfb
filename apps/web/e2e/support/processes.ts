import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { TE2eProcess } from "./state.ts";

/** Starts `node <args>` directly (no npm/npx wrapper), so its PID is the server's own. */
export function startNode(
  name: string,
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
): TE2eProcess {
  fs.mkdirSync(logDir, { recursive: true });
  const log = fs.openSync(path.join(logDir, `${name}.log`), "w");
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  if (!child.pid) throw new Error(`could not start ${name}`);
  return { name, pid: child.pid };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when `pid` runs and its command line matches: a recorded PID may have been reused since. */
export function isRunning(pid: number, command: RegExp): boolean {
  if (!isAlive(pid)) return false;
  try {
    return command.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return true; // no /proc (macOS): trust the PID we recorded
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(proc: TE2eProcess, graceMs = 10_000): Promise<void> {
  if (!isRunning(proc.pid, /next|main\.ts|tsx|koi-agent/)) return;
  process.kill(proc.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(proc.pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(proc.pid)) process.kill(proc.pid, "SIGKILL");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function portInUse(port: number, host = "localhost"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Polls `url` until `ready(status)` holds. Fails early when the process dies, and includes the
 * tail of its log either way, because "timed out" alone explains nothing.
 */
export async function waitForHttp(
  proc: TE2eProcess,
  url: string,
  opts: { timeoutMs: number; ready: (status: number) => boolean; logDir: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (!isAlive(proc.pid))
      throw new Error(`${proc.name} exited before answering at ${url}\n${logTail(proc.name, opts.logDir)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: "manual" });
      if (opts.ready(res.status)) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(
    `${proc.name} did not become ready at ${url} within ${opts.timeoutMs / 1000} s (last: ${last})\n${logTail(proc.name, opts.logDir)}`,
  );
}

function logTail(name: string, logDir: string, lines = 40): string {
  const file = path.join(logDir, `${name}.log`);
  if (!fs.existsSync(file)) return `(no log at ${file})`;
  const tail = fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  return `--- last ${lines} lines of ${file} ---\n${tail}`;
}
