import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startSageMakerServer } from "../../local/sagemaker/server.ts";
import { type CliIo, EXIT, UnreadableInputError } from "./io.ts";

export const localUsage = `Usage: irflow local sagemaker [--port N] [--time-scale N] [--faults file.json]

Starts the local SageMaker Inference Recommender service on 127.0.0.1 and prints its endpoint.
Point the AWS SDK at it with AWS_ENDPOINT_URL_SAGEMAKER, or the AWS CLI with --endpoint-url.

  --port N          port to listen on (default 0: any free port)
  --time-scale N    simulated seconds per real second (default 600: a 45-minute job in 4.5 s)
  --faults FILE     fault configuration (JSON): throttling, server errors, failed or stuck jobs

Stops on Ctrl-C.`;

export async function localCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "0" },
      "time-scale": { type: "string", default: "600" },
      faults: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help || positionals[0] !== "sagemaker" || positionals.length !== 1) {
    io.stdout(`${localUsage}\n`);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const port = Number(values.port);
  const timeScale = Number(values["time-scale"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`irflow local: --port must be an integer from 0 to 65535, got '${values.port}'\n`);
    return EXIT.usage;
  }
  if (!(timeScale > 0)) {
    io.stderr(
      `irflow local: --time-scale must be a positive number, got '${values["time-scale"]}'\n`,
    );
    return EXIT.usage;
  }
  const faults = values.faults ? await readFaults(values.faults, io) : undefined;
  const server = await startSageMakerServer({ port, timeScale, ...(faults ? { faults } : {}) });
  io.stdout(`SageMaker (local) listening on ${server.endpoint} (time scale ${timeScale}x)\n`);
  io.stdout(`  export AWS_ENDPOINT_URL_SAGEMAKER=${server.endpoint}\n`);
  io.stdout(
    `  aws --endpoint-url ${server.endpoint} sagemaker list-inference-recommendations-jobs\n`,
  );
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  io.stdout("stopped\n");
  return EXIT.ok;
}

async function readFaults(path: string, io: CliIo): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(resolve(io.cwd, path), "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new UnreadableInputError(
      `cannot read the fault configuration ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
