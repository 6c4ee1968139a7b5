import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

/** Where a command reads and writes; injectable so commands are tested in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  cwd: string;
  /** The environment the command reads its settings from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
  cwd: process.cwd(),
  env: process.env,
};

export const EXIT = {
  ok: 0,
  invalid: 1,
  unreadable: 2,
  usage: 64,
  unavailable: 69,
  /** Ctrl-C (SIGINT) while a command waited: 128 + the signal's number, as shells report it. */
  interrupted: 130,
} as const;

/**
 * While `work` runs, Ctrl-C prints `message()` on stderr and ends the process with EXIT.interrupted
 * at once, instead of leaving the user to wonder what went on without them.
 */
export async function explainInterrupt<T>(
  io: CliIo,
  message: () => string,
  work: () => Promise<T>,
): Promise<T> {
  const interrupted = () => {
    io.stderr(`\n${message()}\n`);
    process.exit(EXIT.interrupted);
  };
  process.once("SIGINT", interrupted);
  try {
    return await work();
  } finally {
    process.off("SIGINT", interrupted);
  }
}

/** Thrown for input the CLI cannot read at all; the CLI prints the message and exits 2. */
export class UnreadableInputError extends Error {
  override readonly name = "UnreadableInputError";
}

/** A failure the CLI explains in one message and exits with `exitCode`, without a stack trace. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.invalid,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Reads a JSON document from a file path, or from standard input for `-`, with `parse` (JSON.parse
 * unless the document allows more, as the AWS CLI's bare NaN).
 */
export async function readJsonInput(
  source: string,
  io: CliIo,
  parse: (text: string) => unknown = JSON.parse,
): Promise<unknown> {
  const label = source === "-" ? "standard input" : source;
  let text: string;
  try {
    text = source === "-" ? await io.readStdin() : await readFile(resolve(io.cwd, source), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : String(code);
    throw new UnreadableInputError(`cannot read ${label}: ${reason}`, { cause: error });
  }
  try {
    return parse(text);
  } catch (error) {
    throw new UnreadableInputError(`${label} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
