import { readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startSageMakerServer } from "../local/sagemaker/server.ts";
import {
  type LocalStackFaults,
  localStackFaultsSchema,
  PORT_OFFSETS,
  PortTakenError,
  startLocalStack,
  validPortBase,
} from "../local/stack.ts";
import { CliError, type CliIo, EXIT, UnreadableInputError } from "./io.ts";
import {
  type LocalState,
  localStatePath,
  processAlive,
  removeLocalState,
  writeLocalState,
} from "./target.ts";

export const localUsage = `Usage: irflow local stack [--time-scale N] [--faults file.json] [--log-level LEVEL] [--port-base N]
       irflow local sagemaker [--port N] [--time-scale N] [--faults file.json]

stack      Starts the whole local stack on 127.0.0.1: SageMaker Inference Recommender (emulated),
           DynamoDB, EventBridge and Step Functions running statemachine/irflow.asl.json. Writes
           its endpoints to .irflow/local.json (or env IRFLOW_LOCAL_STATE), where
           'irflow start|status|list --target local' find it; removes the file when it stops.
sagemaker  Starts only the SageMaker service and prints its endpoint. Point the AWS SDK at it
           with AWS_ENDPOINT_URL_SAGEMAKER, or the AWS CLI with --endpoint-url.

  --time-scale N    simulated seconds per real second (default 600: a 45-minute job in 4.5 s)
  --faults FILE     fault configuration (JSON), one object per service: sagemaker, eventbridge,
                    dynamodb, lambda (docs/local-stack.md); a file without those keys is the
                    sagemaker object alone
  --log-level LEVEL the handlers' log level (stack only; default WARN)
  --port N          port to listen on (sagemaker only; default 0: any free port)
  --port-base N     fixed ports (stack only): Step Functions on N, SageMaker on N+${PORT_OFFSETS.sagemaker},
                    DynamoDB on N+${PORT_OFFSETS.dynamodb}, EventBridge on N+${PORT_OFFSETS.eventbridge},
                    the Price List on N+${PORT_OFFSETS.pricing} (default: any free ports)

Stops on Ctrl-C.`;

export async function localCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "0" },
      "port-base": { type: "string" },
      "time-scale": { type: "string", default: "600" },
      faults: { type: "string" },
      "log-level": { type: "string", default: "WARN" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  const part = positionals[0];
  if (values.help) {
    io.stdout(`${localUsage}\n`);
    return EXIT.ok;
  }
  if ((part !== "sagemaker" && part !== "stack") || positionals.length !== 1) {
    io.stderr(`${localUsage}\n`);
    return EXIT.usage;
  }
  if (part === "stack") {
    if (args.some((arg) => arg === "--port" || arg.startsWith("--port="))) {
      throw new CliError("--port applies to 'irflow local sagemaker' only", EXIT.usage);
    }
    const timeScale = Number(values["time-scale"]);
    if (!(timeScale > 0)) {
      throw new CliError(
        `--time-scale must be a positive number, got '${values["time-scale"]}'`,
        EXIT.usage,
      );
    }
    const portBase = values["port-base"] === undefined ? undefined : Number(values["port-base"]);
    if (portBase !== undefined && !validPortBase(portBase)) {
      throw new CliError(
        `--port-base must be an integer from 1 to ${65535 - Math.max(...Object.values(PORT_OFFSETS))}, got '${values["port-base"]}'`,
        EXIT.usage,
      );
    }
    const faults = values.faults ? await readFaults(values.faults, io) : undefined;
    return runStack({ timeScale, faults, logLevel: values["log-level"], portBase }, io);
  }
  if (values["port-base"] !== undefined) {
    throw new CliError("--port-base applies to 'irflow local stack' only (use --port)", EXIT.usage);
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
  const faults = values.faults ? sageMakerOnly(await readFaults(values.faults, io)) : undefined;
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

const FAULT_SERVICES = ["sagemaker", "eventbridge", "dynamodb", "lambda"] as const;

async function readFaults(path: string, io: CliIo): Promise<LocalStackFaults> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(resolve(io.cwd, path), "utf8"));
  } catch (error) {
    throw new UnreadableInputError(
      `cannot read the fault configuration ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return parseFaultsFile(value, path);
}

/**
 * A faults file's content: an object per service, or, when it names no service, the SageMaker
 * faults alone (the format `irflow local sagemaker` has always read). Throws a CliError naming
 * each field that breaks a rule.
 */
export function parseFaultsFile(value: unknown, path: string): LocalStackFaults {
  const perService =
    typeof value === "object" &&
    value !== null &&
    FAULT_SERVICES.some((service) => Object.hasOwn(value, service));
  const faults = perService ? value : { sagemaker: value };
  const parsed = localStackFaultsSchema.safeParse(faults);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(config)"}: ${issue.message}`,
    );
    throw new CliError(`the fault configuration ${path} is invalid: ${problems.join("; ")}`);
  }
  return faults as LocalStackFaults;
}

/** The SageMaker faults of a faults file; a file with others is for the whole stack. */
export function sageMakerOnly(faults: LocalStackFaults): LocalStackFaults["sagemaker"] {
  const others = FAULT_SERVICES.filter(
    (service) => service !== "sagemaker" && faults[service] !== undefined,
  );
  if (others.length > 0) {
    throw new CliError(
      `the fault configuration sets ${others.join(", ")} faults; 'irflow local sagemaker' runs SageMaker only (use 'irflow local stack')`,
      EXIT.usage,
    );
  }
  return faults.sagemaker;
}

/** Runs the whole stack until SIGINT or SIGTERM, with its state file for the other commands. */
async function runStack(
  options: {
    timeScale: number;
    faults: LocalStackFaults | undefined;
    logLevel: string;
    portBase: number | undefined;
  },
  io: CliIo,
): Promise<number> {
  const path = localStatePath(io);
  const running = runningStack(path);
  if (running !== undefined) {
    throw new CliError(
      `a local stack is already running (pid ${running}, state file ${path}); stop it first`,
    );
  }
  const stack = await startLocalStack({
    timeScale: options.timeScale,
    logLevel: options.logLevel,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.portBase === undefined ? {} : { portBase: options.portBase }),
  }).catch((error: unknown) => {
    if (!(error instanceof PortTakenError)) throw error;
    throw new CliError(`${error.message}; choose another --port-base`, EXIT.unavailable, {
      cause: error,
    });
  });
  const state: LocalState = {
    endpoints: stack.endpoints,
    stateMachineArn: stack.stateMachineArn,
    environment: stack.environment,
    pid: process.pid,
  };
  // Removes the state file even when the process ends some other way than a signal.
  const removeOnExit = () => removeOwnState(path);
  process.once("exit", removeOnExit);
  try {
    await writeLocalState(path, state);
    const rows: [string, string][] = [
      ["Step Functions", stack.endpoints.stepfunctions],
      ["SageMaker", stack.endpoints.sagemaker],
      ["DynamoDB", stack.endpoints.dynamodb],
      ["EventBridge", stack.endpoints.eventbridge],
      ["Price List", stack.endpoints.pricing],
      ["state machine", stack.stateMachineArn],
      ["jobs table", stack.environment.TABLE_NAME ?? ""],
      ["event bus", stack.environment.EVENT_BUS_NAME ?? ""],
      ["state file", path],
    ];
    io.stdout(`irflow local stack on 127.0.0.1 (time scale ${options.timeScale}x)\n`);
    for (const [label, value] of rows) io.stdout(`  ${label.padEnd(16)}${value}\n`);
    io.stdout("Try it in another terminal:\n");
    io.stdout("  npx irflow start events/specs/default-model-package.json --wait\n");
    io.stdout("Stops on Ctrl-C.\n");
    await new Promise<void>((done) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        done();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
  } finally {
    await stack.close();
    await removeLocalState(path);
    process.off("exit", removeOnExit);
  }
  io.stdout("stopped\n");
  return EXIT.ok;
}

/** The pid of another live stack that owns the state file, if any. */
function runningStack(path: string): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown };
    return typeof pid === "number" && pid !== process.pid && processAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function removeOwnState(path: string): void {
  try {
    const { pid } = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown };
    if (pid === process.pid) rmSync(path, { force: true });
  } catch {
    // Gone already, or not ours to remove.
  }
}
