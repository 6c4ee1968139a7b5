import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigError, TransientAwsError } from "../src/errors.ts";
import { inertText } from "../src/text/inert.ts";
import { CliError, type CliIo, EXIT, processIo, UnreadableInputError } from "./io.ts";

type Command = (args: string[], io: CliIo) => Promise<number>;

/** A command's module is loaded when it runs, so `--help` or `validate` loads neither the SDK nor the local stack. */
function lazy<Name extends string>(
  load: () => Promise<Record<Name, Command>>,
  name: Name,
): Command {
  return async (args, io) => (await load())[name](args, io);
}

const COMMANDS: Record<string, { summary: string; run: Command }> = {
  validate: {
    summary: "check a job spec and print its normalized form",
    run: lazy(() => import("./validate.ts"), "validateCommand"),
  },
  start: {
    summary: "validate a spec and start the workflow with it (--wait follows it)",
    run: lazy(() => import("./start.ts"), "startCommand"),
  },
  status: {
    summary: "print a job's record: status history, outcome, selection",
    run: lazy(() => import("./status.ts"), "statusCommand"),
  },
  stop: {
    summary: "stop a running execution; the clean-up stops its job and publishes the outcome",
    run: lazy(() => import("./stop.ts"), "stopCommand"),
  },
  list: {
    summary: "list a model's jobs, the workflow's recent executions, or the jobs' costs",
    run: lazy(() => import("./status.ts"), "listCommand"),
  },
  decide: {
    summary: "decide on a saved Describe response under a policy (no AWS call)",
    run: lazy(() => import("./decide.ts"), "decideCommand"),
  },
  report: {
    summary: "a job's decision: sentence, every entry, comparison; --html with a chart",
    run: lazy(() => import("./report.ts"), "reportCommand"),
  },
  local: {
    summary: "run the local stack (stack), or only its SageMaker (sagemaker)",
    run: lazy(() => import("./local.ts"), "localCommand"),
  },
  demo: {
    summary: "run one job end to end on an in-process local stack",
    run: lazy(() => import("./demo.ts"), "demoCommand"),
  },
};

export const usage = `Usage: irflow <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join("\n")}

Run 'irflow <command> --help' for a command's options; 'irflow --version' prints the version.`;

/** irflow's version, from the package.json of the folder this file sits in or one above it. */
export function irflowVersion(from = import.meta.dirname): string {
  for (let folder = from; ; folder = dirname(folder)) {
    const path = join(folder, "package.json");
    if (existsSync(path)) {
      const manifest = JSON.parse(readFileSync(path, "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === "irflow" && typeof manifest.version === "string")
        return manifest.version;
    }
    if (dirname(folder) === folder) return "unknown";
  }
}

/** File-system failures a user causes (a missing folder, a directory given for a file...). */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
};

export async function main(argv: string[], rawIo: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (rawIo === processIo) endQuietlyWhenOutputCloses();
  const io = inertIo(rawIo);
  if (name === "--version" || name === "-v" || name === "version") {
    io.stdout(`irflow ${irflowVersion()}\n`);
    return EXIT.ok;
  }
  if (!name) {
    // No command is a usage error: the usage goes where errors go.
    io.stderr(`${usage}\n`);
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout(`${usage}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`irflow: unknown command '${name}'\n\n${usage}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UnreadableInputError) {
      io.stderr(`irflow ${name}: ${error.message}\n`);
      return EXIT.unreadable;
    }
    if (error instanceof CliError) {
      io.stderr(`irflow ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    if (
      error instanceof TypeError &&
      "code" in error &&
      String(error.code).startsWith("ERR_PARSE_ARGS")
    ) {
      io.stderr(`irflow ${name}: ${error.message}\nRun 'irflow ${name} --help' for its options.\n`);
      return EXIT.usage;
    }
    if (error instanceof Error && isServiceOrNetworkError(error)) {
      io.stderr(`irflow ${name}: ${describeError(error)}\n`);
      return EXIT.invalid;
    }
    const fileError = error instanceof Error ? fileErrorText(error) : undefined;
    if (fileError) {
      io.stderr(`irflow ${name}: ${fileError}\n`);
      return EXIT.unreadable;
    }
    throw error;
  }
}

/**
 * Everything a command writes passes here: a control or bidi character from outside irflow is
 * shown escaped, never obeyed by the terminal. JSON stays valid JSON (C1 and bidi as \u escapes).
 */
function inertIo(io: CliIo): CliIo {
  return {
    ...io,
    stdout: (text) => io.stdout(inertText(text)),
    stderr: (text) => io.stderr(inertText(text)),
  };
}

function fileErrorText(error: NodeJS.ErrnoException): string | undefined {
  const reason = error.code ? FILE_ERRORS[error.code] : undefined;
  if (!reason) return undefined;
  return `cannot ${error.syscall ?? "use"} ${error.path ?? "a file"}: ${reason}`;
}

let guarded = false;

/**
 * A reader that stops early (`irflow validate spec.json | head`) closes the pipe; the next write
 * fails with EPIPE. That is the reader's choice, not an error: the command ends quietly, as a
 * command killed by SIGPIPE would, instead of crashing on an unhandled 'error' event.
 */
function endQuietlyWhenOutputCloses(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(process.exitCode ?? EXIT.ok);
    });
  }
}

/** An AWS service error, a credentials or region problem, or a connection that failed. */
function isServiceOrNetworkError(error: Error): boolean {
  return (
    "$metadata" in error ||
    "$fault" in error ||
    error instanceof TransientAwsError ||
    error instanceof ConfigError ||
    // The SDK's credential providers throw it; its class is not exported by a package irflow uses.
    error.name === "CredentialsProviderError" ||
    ("code" in error &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN)$/.test(String(error.code))) ||
    /Region is missing/.test(error.message)
  );
}

function describeError(error: Error): string {
  if (/Region is missing/.test(error.message)) {
    return "no AWS region configured: set AWS_REGION or AWS_PROFILE, or use --target local";
  }
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}${cause}`;
}
