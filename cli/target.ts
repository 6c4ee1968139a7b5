/**
 * Where the CLI's commands run: the local stack (its endpoints from the state file that
 * `irflow local stack` writes) or AWS (the SDK's default configuration). Both are reached through
 * the same SDK clients, so every command is the same code on either target.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SpendStore } from "../src/budget/spend.ts";
import { QueueStore } from "../src/queue/store.ts";
import { JobStore } from "../src/workflow/store.ts";
import { CliError, type CliIo, EXIT } from "./io.ts";

export const TARGETS = ["local", "aws"] as const;
export type TargetName = (typeof TARGETS)[number];

/** The default place of the state file, relative to the working directory. */
export const LOCAL_STATE_FILE = ".irflow/local.json";

/** What `irflow local stack` records about the running stack in .irflow/local.json. */
export interface LocalState {
  endpoints: {
    sagemaker: string;
    dynamodb: string;
    eventbridge: string;
    stepfunctions: string;
    /** The local Price List (absent from the state of a stack started before it had one). */
    pricing?: string;
  };
  stateMachineArn: string;
  /** The stack's environment: AWS_REGION, credentials, AWS_ENDPOINT_URL_*, TABLE_NAME, ... */
  environment: Record<string, string>;
  pid: number;
}

/** The options every command that talks to a target accepts (for `parseArgs`). */
export const TARGET_OPTIONS = {
  target: { type: "string", default: "local" },
  "state-machine-arn": { type: "string" },
  table: { type: "string" },
} as const;

export const TARGET_HELP = `  --target local|aws         where to run (default local: the stack of 'irflow local stack';
                             aws: the AWS SDK's default region and credentials)
  --state-machine-arn ARN    the irflow state machine (aws: or env IRFLOW_STATE_MACHINE_ARN)
  --table NAME               the jobs table (aws: or env TABLE_NAME)`;

export interface TargetSettings {
  target?: string | undefined;
  "state-machine-arn"?: string | undefined;
  table?: string | undefined;
}

export interface Target {
  name: TargetName;
  sfn: SFNClient;
  /** The state machine ARN; throws a CliError naming the missing setting. */
  stateMachineArn(): string;
  /** The job store; throws a CliError naming the missing setting. */
  store(): JobStore;
  /** The queue for the account's job limit, in the same table. */
  queue(): QueueStore;
  /** The months' tuning spend, in the same table. */
  spend(): SpendStore;
  /** SageMaker, for a job's results. */
  sagemaker(): SageMakerClient;
  /** The table name when known, without failing. */
  tableName?: string;
  destroy(): void;
}

/** Where `irflow local stack` writes its state file: IRFLOW_LOCAL_STATE, else in the working folder. */
export function localStatePath(io: CliIo): string {
  const env = io.env ?? process.env;
  return resolve(io.cwd, env.IRFLOW_LOCAL_STATE || LOCAL_STATE_FILE);
}

/**
 * The state file the other commands read: IRFLOW_LOCAL_STATE when set, else the nearest
 * .irflow/local.json in the working folder or a folder above it (as git finds .git), so a command
 * run from a subfolder of the project finds the stack started at its root.
 */
export function findLocalStatePath(io: CliIo): string | undefined {
  const env = io.env ?? process.env;
  if (env.IRFLOW_LOCAL_STATE) return resolve(io.cwd, env.IRFLOW_LOCAL_STATE);
  for (let folder = resolve(io.cwd); ; folder = dirname(folder)) {
    const candidate = resolve(folder, LOCAL_STATE_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

/** Reads the state file of a running local stack, or explains how to start one. */
export async function readLocalState(io: CliIo): Promise<LocalState> {
  const path = findLocalStatePath(io);
  const missing = `start one with 'irflow local stack' in another terminal, or use --target aws`;
  if (!path) {
    throw new CliError(
      `no local stack is running (no ${LOCAL_STATE_FILE} in ${resolve(io.cwd)} or any folder above it); ${missing}`,
      EXIT.unavailable,
    );
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new CliError(
      `no local stack is running (${path} not found); ${missing}`,
      EXIT.unavailable,
    );
  }
  let state: LocalState;
  try {
    state = JSON.parse(text) as LocalState;
  } catch (error) {
    throw new CliError(
      `${path} is not valid JSON; restart the local stack with 'irflow local stack'`,
      EXIT.unavailable,
      { cause: error },
    );
  }
  if (typeof state.stateMachineArn !== "string" || typeof state.endpoints !== "object") {
    throw new CliError(
      `${path} does not describe a local stack; restart it with 'irflow local stack'`,
      EXIT.unavailable,
    );
  }
  if (typeof state.pid === "number" && !processAlive(state.pid)) {
    throw new CliError(
      `the local stack recorded in ${path} (pid ${state.pid}) is no longer running; start it again with 'irflow local stack'`,
      EXIT.unavailable,
    );
  }
  return state;
}

/** Writes the state file whole (through a temporary file), so no reader sees half of it. */
export async function writeLocalState(path: string, state: LocalState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(state, null, 2)}\n`, "utf8");
  await rename(partial, path);
}

export async function removeLocalState(path: string): Promise<void> {
  await rm(path, { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Parses --target; a value other than local or aws is a usage error. */
export function targetName(value: string | undefined): TargetName {
  const name = value ?? "local";
  if (!(TARGETS as readonly string[]).includes(name)) {
    throw new CliError(`--target must be local or aws, got '${name}'`, EXIT.usage);
  }
  return name as TargetName;
}

/** Opens the target the options name: the local stack's state file, or AWS. */
export async function openTarget(settings: TargetSettings, io: CliIo): Promise<Target> {
  const name = targetName(settings.target);
  if (name === "local") return localTarget(await readLocalState(io), settings);
  return awsTarget(settings, io);
}

/** The job store and the queue, both in the jobs table that `table` names. */
function tables(
  table: () => { documents: DynamoDBDocumentClient; tableName: string },
): Pick<Target, "store" | "queue" | "spend"> {
  return {
    spend: () => {
      const { documents, tableName } = table();
      return new SpendStore(documents, tableName);
    },
    store: () => {
      const { documents, tableName } = table();
      return new JobStore(documents, tableName);
    },
    queue: () => {
      const { documents, tableName } = table();
      return new QueueStore(documents, tableName);
    },
  };
}

/** A target on a local stack, from its state file or from the stack itself (the demo). */
export function localTarget(
  state: Pick<LocalState, "endpoints" | "stateMachineArn" | "environment">,
  settings: TargetSettings = {},
): Target {
  const env = state.environment;
  const common = {
    region: env.AWS_REGION ?? "us-east-1",
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? "local",
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "local",
    },
  };
  const sfn = new SFNClient({ ...common, endpoint: state.endpoints.stepfunctions });
  const tableName = settings.table ?? env.TABLE_NAME;
  let dynamo: DynamoDBClient | undefined;
  let sagemaker: SageMakerClient | undefined;
  return {
    name: "local",
    sfn,
    stateMachineArn: () => settings["state-machine-arn"] ?? state.stateMachineArn,
    ...tables(() => {
      if (!tableName) {
        throw new CliError("the local stack's state names no jobs table; pass --table", EXIT.usage);
      }
      dynamo ??= new DynamoDBClient({ ...common, endpoint: state.endpoints.dynamodb });
      return { documents: DynamoDBDocumentClient.from(dynamo), tableName };
    }),
    sagemaker: () => {
      sagemaker ??= new SageMakerClient({ ...common, endpoint: state.endpoints.sagemaker });
      return sagemaker;
    },
    ...(tableName ? { tableName } : {}),
    destroy: () => {
      sfn.destroy();
      dynamo?.destroy();
      sagemaker?.destroy();
    },
  };
}

function awsTarget(settings: TargetSettings, io: CliIo): Target {
  const env = io.env ?? process.env;
  const arn = settings["state-machine-arn"] || env.IRFLOW_STATE_MACHINE_ARN;
  const tableName = settings.table || env.TABLE_NAME;
  const sfn = new SFNClient({});
  let dynamo: DynamoDBClient | undefined;
  let sagemaker: SageMakerClient | undefined;
  return {
    name: "aws",
    sfn,
    stateMachineArn: () => {
      if (!arn) {
        throw new CliError(
          "--target aws needs the irflow state machine's ARN: pass --state-machine-arn ARN or set IRFLOW_STATE_MACHINE_ARN",
          EXIT.usage,
        );
      }
      return arn;
    },
    ...tables(() => {
      if (!tableName) {
        throw new CliError(
          "--target aws needs the jobs table's name: pass --table NAME or set TABLE_NAME",
          EXIT.usage,
        );
      }
      dynamo ??= new DynamoDBClient({});
      return { documents: DynamoDBDocumentClient.from(dynamo), tableName };
    }),
    sagemaker: () => {
      sagemaker ??= new SageMakerClient({});
      return sagemaker;
    },
    ...(tableName ? { tableName } : {}),
    destroy: () => {
      sfn.destroy();
      dynamo?.destroy();
      sagemaker?.destroy();
    },
  };
}
