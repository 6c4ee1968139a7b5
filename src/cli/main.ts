import { type CliIo, EXIT, processIo, UnreadableInputError } from "./io.ts";
import { localCommand } from "./local.ts";
import { validateCommand } from "./validate.ts";

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; run: Command }> = {
  validate: { summary: "check a job spec and print its normalized form", run: validateCommand },
  local: { summary: "run a part of the local stack (sagemaker)", run: localCommand },
};

export const usage = `Usage: irflow <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join("\n")}

Run 'irflow <command> --help' for a command's options.`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(`${usage}\n`);
    return name ? EXIT.ok : EXIT.usage;
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
    if (
      error instanceof TypeError &&
      "code" in error &&
      String(error.code).startsWith("ERR_PARSE_ARGS")
    ) {
      io.stderr(`irflow ${name}: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
