import { isUserError, processIo, type TCliIo } from "./cli-io.ts";
import { PERF_USAGE, runPerf } from "./run-perf.ts";
import { KoiHttpError } from "@koi/sdk";
import { PLAN_USAGE, runPlan } from "./run-plan.ts";
import { CANCEL_USAGE, runCancel, runStatus, runSubmit, STATUS_USAGE, SUBMIT_USAGE } from "./run-workload-commands.ts";
import { CANCEL_HELP, OVERVIEW_EXAMPLES, PERF_HELP, PLAN_HELP, STATUS_HELP, SUBMIT_HELP } from "./help-text.ts";

type TCommand = {
  usage: string;
  summary: string;
  /** What `koi <command> --help` prints under the usage line. */
  help: string;
  run: (argv: readonly string[], io: TCliIo) => number | Promise<number>;
};

// Subcommands register here. plan and perf work offline; submit, status and cancel talk to Koi.
export const COMMANDS: Record<string, TCommand> = {
  plan: { usage: PLAN_USAGE, summary: "choose GPUs for a workload at minimum cost", help: PLAN_HELP, run: runPlan },
  perf: {
    usage: PERF_USAGE,
    summary: "predict throughput and latency of one replica",
    help: PERF_HELP,
    run: runPerf,
  },
  submit: {
    usage: SUBMIT_USAGE,
    summary: "submit a workload to Koi (KOI_URL, KOI_API_KEY)",
    help: SUBMIT_HELP,
    run: runSubmit,
  },
  status: {
    usage: STATUS_USAGE,
    summary: "progress, forecast and cost of a workload",
    help: STATUS_HELP,
    run: runStatus,
  },
  cancel: { usage: CANCEL_USAGE, summary: "cancel a workload", help: CANCEL_HELP, run: runCancel },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`);
  return ["usage: koi <command> [options]", "", "commands:", ...lines, "", OVERVIEW_EXAMPLES].join("\n");
}

const wantsHelp = (args: readonly string[]) => args.includes("--help") || args.includes("-h");

/** Runs the CLI; returns the exit code (0 ok, 1 unexpected failure or Koi unreachable / 5xx, 2 bad input or a 4xx from Koi). */
export async function main(argv: readonly string[], io: TCliIo = processIo): Promise<number> {
  // `koi help plan` reads like `koi plan --help`.
  const topic = argv[0] === "help" ? argv[1] : undefined;
  const [name, ...rest] = topic !== undefined ? [topic, "--help"] : argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`koi: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(", ")} (koi --help explains them)`);
    return 2;
  }
  if (wantsHelp(rest)) {
    io.out(`usage: ${command.usage}\n\n${command.help}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof KoiHttpError) {
      // 4xx: the request (file, id, key) was wrong, like any other bad input; 5xx: Koi's fault.
      io.err(`koi ${name}: ${error.describe()}`);
      return error.status < 500 ? 2 : 1;
    }
    if (isUserError(error)) {
      io.err(`koi ${name}: ${error.message}`);
      return 2;
    }
    io.err(`koi ${name}: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
