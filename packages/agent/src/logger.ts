/** JSON-lines logger on stderr: the agent runs headless next to the engines, so logs go to their collector. */
export type TLogLevel = "debug" | "info" | "warn" | "error";
export type TLogger = Record<TLogLevel, (message: string, fields?: Record<string, unknown>) => void>;

const ORDER: Record<TLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  level: TLogLevel = "info",
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): TLogger {
  const log =
    (at: TLogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[at] < ORDER[level]) return;
      write(JSON.stringify({ time: new Date().toISOString(), level: at, msg: message, ...fields }));
    };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

export const silentLogger: TLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
