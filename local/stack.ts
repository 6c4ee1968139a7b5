/**
 * The whole local stack in one process, on 127.0.0.1: the SageMaker emulator, DynamoDB
 * (dynalite, in memory), EventBridge and Step Functions running statemachine/irflow.asl.json with
 * each Task bound to the real handler module. The handlers find the services through the
 * standard AWS_ENDPOINT_URL_<SERVICE> variables, exactly as they would find AWS.
 *
 * The triggers run too: the model registry publishes its state changes on the default bus, where
 * a rule with the deployed pattern delivers approvals of the configured groups to the registry
 * trigger; `tickSchedule` stands in for the schedule rule, which the local bus never fires.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import dynalite from "dynalite";
import * as z from "zod";
import bundledTriggers from "../config/triggers.json" with { type: "json" };
import { type FunctionDefinition, lambdaHandler } from "../src/handler.ts";
import {
  executionEndedPattern,
  JOBS_TABLE,
  registryApprovalPattern,
  STATE_MACHINE_DEFINITION_PATH,
} from "../src/infrastructure.ts";
import { createRuntime, type Runtime } from "../src/runtime.ts";
import { parseTriggerConfig, type TriggerConfig } from "../src/triggers/config.ts";
import { registryTrigger, scheduleTrigger } from "../src/triggers/handler.ts";
import type { ScheduleTickResult } from "../src/triggers/schedule.ts";
import { executionEnded } from "../src/workflow/execution-ended.ts";
import { bindDefinition, type WorkflowFunction } from "../src/workflow/functions.ts";
import { WORKFLOW_STEPS } from "../src/workflow/steps/index.ts";
import { ScaledClock } from "./clock.ts";
import { type DynamoDbFaults, dynamoDbFaultsSchema } from "./dynamodb/faults.ts";
import { type DynamoDbProxy, startDynamoDbProxy } from "./dynamodb/proxy.ts";
import { type EventBridgeFaults, eventBridgeFaultsSchema } from "./eventbridge/faults.ts";
import { type EventBridgeServer, startEventBridgeServer } from "./eventbridge/server.ts";
import { type LocalNotificationsTopic, wireNotifications } from "./notifications.ts";
import { type FaultInjector, faultConfigSchema } from "./sagemaker/faults.ts";
import { type RunningPriceList, startPriceListServer } from "./sagemaker/price-list.ts";
import { type RunningSageMaker, startSageMakerServer } from "./sagemaker/server.ts";
import { immediateRetries } from "./sdk-retry.ts";
import { seedModelRegistry } from "./seed.ts";
import { type LambdaFaults, lambdaFaultsSchema } from "./stepfunctions/faults.ts";
import type { LocalLambdaContext } from "./stepfunctions/runner.ts";
import { startStepFunctionsServer } from "./stepfunctions/server.ts";
import { LocalStepFunctions } from "./stepfunctions/service.ts";
import { dynamoDbRequestKind, eventBridgeBilledEvents, UsageMeter } from "./usage.ts";

export const LOCAL_REGION = "us-east-1";
export const LOCAL_ACCOUNT = "111122223333";
export const LOCAL_TABLE = "irflow-local-jobs";
export const LOCAL_BUS = "irflow-local";
export const STATE_MACHINE_NAME = "irflow";
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
const ROOT = join(import.meta.dirname, "..");
/** Every function's memory, as deployed (serverless.yml `provider.memorySize`). */
export const LOCAL_LAMBDA_MEMORY_MB = 256;

/** Each server's port is the stack's port base plus its offset (`irflow local stack --port-base`). */
export const PORT_OFFSETS = {
  stepfunctions: 0,
  sagemaker: 1,
  dynamodb: 2,
  eventbridge: 3,
  pricing: 4,
} as const;
type StackServer = keyof typeof PORT_OFFSETS;
const SERVER_NAMES: Record<StackServer, string> = {
  stepfunctions: "Step Functions",
  sagemaker: "SageMaker",
  dynamodb: "DynamoDB",
  eventbridge: "EventBridge",
  pricing: "Price List",
};

/** A fixed port the stack was asked to listen on is taken by another process. */
export class PortTakenError extends Error {
  constructor(
    readonly server: string,
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(`port ${port} for ${server} is already in use`, options);
    this.name = "PortTakenError";
  }
}

/** A tick of a schedule whose rule is disabled: EventBridge would send nothing. */
export class ScheduleDisabledError extends Error {
  constructor(readonly rule: string) {
    super(`the schedule rule ${rule} is disabled: no Scheduled Event is sent until it is enabled`);
    this.name = "ScheduleDisabledError";
  }
}

/** The faults of each service, one object per service (docs/local-stack.md). */
export const localStackFaultsSchema = z.strictObject({
  sagemaker: faultConfigSchema.optional(),
  eventbridge: eventBridgeFaultsSchema.optional(),
  dynamodb: dynamoDbFaultsSchema.optional(),
  lambda: lambdaFaultsSchema.optional(),
});
export type LocalStackFaults = z.input<typeof localStackFaultsSchema>;

/** Each service's faults as it runs: `configure`, `settings`, `injected`, `resetCounts`. */
export interface LocalStackFaultControls {
  sagemaker: FaultInjector;
  eventbridge: EventBridgeFaults;
  dynamodb: DynamoDbFaults;
  lambda: LambdaFaults;
}

export interface LocalStackOptions {
  /**
   * Simulated seconds per real second while the stack waits (local/clock.ts): one clock for the
   * jobs, the Wait and Retry states and the handlers, which stands still while anything works.
   */
  timeScale?: number;
  /** Faults to inject from the start; change them later through `LocalStack.faults`. */
  faults?: LocalStackFaults;
  /** Powertools log level for the handlers (default WARN, so a demo stays readable). */
  logLevel?: string;
  /** The trigger configuration, as config/triggers.json holds it (the default). */
  triggers?: unknown;
  /** irflow's limit on concurrent Inference Recommender jobs (JOB_LIMIT; default 10). */
  jobLimit?: number;
  /** irflow's limit on concurrent AI recommendation jobs (AI_JOB_LIMIT; default 2). */
  aiJobLimit?: number;
  /** Simulated seconds an execution may wait for a slot (QUEUE_DEADLINE_SECONDS). */
  queueDeadlineSeconds?: number;
  /**
   * Fixed ports: each server listens on `portBase` plus its `PORT_OFFSETS` entry. Default: any
   * free port for each.
   */
  portBase?: number;
}

export interface LocalStack {
  endpoints: {
    sagemaker: string;
    dynamodb: string;
    eventbridge: string;
    stepfunctions: string;
    pricing: string;
  };
  stateMachineArn: string;
  /** The simulated clock every service and handler of the stack reads. */
  clock: ScaledClock;
  sagemaker: RunningSageMaker;
  /** The Price List Query API (GetProducts) over the catalog's hosting prices. */
  priceList: RunningPriceList;
  eventbridge: EventBridgeServer;
  stepFunctions: LocalStepFunctions;
  /** DynamoDB as the handlers reach it: the fault proxy, with dynalite behind it (`target`). */
  dynamodb: DynamoDbProxy;
  /** Every service's faults, to change and count while the stack runs. */
  faults: LocalStackFaultControls;
  /** The environment the handlers run with; give it to any client of the stack. */
  environment: Record<string, string>;
  /** The trigger configuration the stack runs with. */
  triggers: TriggerConfig;
  /** The ops topic: what the deployed notification rules would have sent the on-call team. */
  notifications: LocalNotificationsTopic;
  /**
   * What the handlers used of the billed services: Lambda invocations and their duration,
   * DynamoDB requests and capacity units, custom events, SageMaker calls (local/usage.ts).
   */
  usage: UsageMeter;
  /**
   * Invokes the schedule trigger with the Scheduled Event EventBridge would send at `time`, and
   * returns its summary. Throws ScheduleDisabledError, invoking nothing, while the schedule rule
   * is disabled (`aws events disable-rule`), as EventBridge then sends no event.
   */
  tickSchedule(time: Date): Promise<ScheduleTickResult>;
  close(): Promise<void>;
}

/** How long closing waits for handlers still running (real milliseconds). */
const HANDLERS_CLOSE_MS = 10_000;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const clock = new ScaledClock(options.timeScale ?? 600);
  const usage = new UsageMeter();
  const closers: (() => Promise<void>)[] = [];
  const { portBase } = options;
  if (portBase !== undefined && !validPortBase(portBase)) {
    throw new RangeError(
      `portBase must be an integer from 1 to ${65535 - maxOffset()}, got ${portBase}`,
    );
  }
  const portOf = (server: StackServer) =>
    portBase === undefined ? 0 : portBase + PORT_OFFSETS[server];
  const listening = <T>(server: StackServer, start: Promise<T>): Promise<T> =>
    start.catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (code !== "EADDRINUSE") throw error;
      throw new PortTakenError(SERVER_NAMES[server], portOf(server), { cause: error });
    });
  try {
    const sagemaker = await listening(
      "sagemaker",
      startSageMakerServer({
        port: portOf("sagemaker"),
        clock,
        region: LOCAL_REGION,
        accountId: LOCAL_ACCOUNT,
        onOperation: (operation) => usage.record({ service: "sagemaker", operation, units: 1 }),
        ...(options.faults?.sagemaker ? { faults: options.faults.sagemaker } : {}),
      }),
    );
    closers.push(() => sagemaker.close());
    seedModelRegistry(sagemaker.service.registry);

    const priceList = await listening(
      "pricing",
      // Not metered: the Price List Query API is free to call.
      startPriceListServer({ port: portOf("pricing") }),
    );
    closers.push(() => priceList.close());

    const dynaliteServer = await startDynalite();
    closers.push(dynaliteServer.close);
    // The handlers reach DynamoDB through the proxy that injects DynamoDB faults.
    const dynamodb = await listening(
      "dynamodb",
      startDynamoDbProxy({
        target: dynaliteServer.endpoint,
        port: portOf("dynamodb"),
        measureCapacity: true,
        ...(options.faults?.dynamodb ? { faults: options.faults.dynamodb } : {}),
      }),
    );
    closers.push(() => dynamodb.close());
    dynamodb.observe(({ operation, consumedCapacity }) => {
      const kind = dynamoDbRequestKind(operation);
      if (!kind) return;
      usage.record({
        service: "dynamodb",
        operation,
        units: consumedCapacity ?? 1,
        read: kind === "read",
      });
    });

    const eventbridge = await listening(
      "eventbridge",
      startEventBridgeServer({
        port: portOf("eventbridge"),
        region: LOCAL_REGION,
        accountId: LOCAL_ACCOUNT,
        // Events carry the stack's time, as the records do.
        now: () => new Date(clock.now()),
        onOperation: (operation, input) => {
          if (operation !== "PutEvents" || !Array.isArray(input.Entries)) return;
          const units = input.Entries.reduce<number>(
            (sum, entry) => sum + eventBridgeBilledEvents(entry),
            0,
          );
          usage.record({ service: "eventbridge", operation, units });
        },
        ...(options.faults?.eventbridge ? { faults: options.faults.eventbridge } : {}),
      }),
    );
    closers.push(() => eventbridge.close());
    eventbridge.bus.createEventBus({ Name: LOCAL_BUS });

    await createJobsTable(dynamodb.endpoint);

    const stepFunctions = new LocalStepFunctions({
      clock,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      ...(options.faults?.lambda ? { lambdaFaults: options.faults.lambda } : {}),
      // As Step Functions does on AWS: the default bus hears of every execution that ends.
      onExecutionClosed: (execution) => {
        eventbridge.bus.putServiceEvent({
          Source: "aws.states",
          DetailType: "Step Functions Execution Status Change",
          Resources: [execution.executionArn],
          Detail: JSON.stringify({
            executionArn: execution.executionArn,
            stateMachineArn: execution.stateMachineArn,
            name: execution.name,
            status: execution.status,
            startDate: execution.startDate.getTime(),
            stopDate: execution.stopDate?.getTime() ?? null,
            input: execution.input,
            output: execution.output ?? null,
            error: execution.error ?? null,
            cause: execution.cause ?? null,
          }),
        });
      },
    });
    const definition = bindDefinition(
      await readFile(join(ROOT, STATE_MACHINE_DEFINITION_PATH), "utf8"),
      functionArn,
    );
    const { stateMachineArn } = stepFunctions.createStateMachine({
      name: STATE_MACHINE_NAME,
      definition,
    });
    const sfnServer = await listening(
      "stepfunctions",
      startStepFunctionsServer({ service: stepFunctions, port: portOf("stepfunctions") }),
    );
    closers.push(() => sfnServer.close());
    // Stopping the executions sends their status changes to the clean-up; let it finish while
    // DynamoDB, the bus and the Step Functions API (it reads the execution's history) still answer.
    closers.push(async () => {
      await stepFunctions.close();
      await eventbridge.bus.settled();
      await clock.idle(HANDLERS_CLOSE_MS);
    });

    const endpoints = {
      sagemaker: sagemaker.endpoint,
      dynamodb: dynamodb.endpoint,
      eventbridge: eventbridge.endpoint,
      sfn: sfnServer.endpoint,
      pricing: priceList.endpoint,
    };
    // What the handlers of this stack, and only they, run with: nothing goes through process.env.
    const environment: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      // The AWS CLI v1 reads only this one.
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SAGEMAKER: endpoints.sagemaker,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
      AWS_ENDPOINT_URL_SFN: endpoints.sfn,
      AWS_ENDPOINT_URL_PRICING: endpoints.pricing,
      TABLE_NAME: LOCAL_TABLE,
      EVENT_BUS_NAME: LOCAL_BUS,
      STATE_MACHINE_ARN: stateMachineArn,
      JOB_LIMIT: String(options.jobLimit ?? 10),
      AI_JOB_LIMIT: String(options.aiJobLimit ?? 2),
      ...(options.queueDeadlineSeconds
        ? { QUEUE_DEADLINE_SECONDS: String(options.queueDeadlineSeconds) }
        : {}),
    };
    const runtime = createRuntime({
      env: environment,
      aws: {
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoints,
        retryStrategy: immediateRetries,
      },
      logLevel: options.logLevel ?? "WARN",
      // The handlers live on the stack's simulated clock, as the Wait states and the jobs do,
      // so a deadline, a queue estimate or a job's run time means the same at any time scale.
      clock: { now: () => new Date(clock.now()), sleep: (ms) => clock.pause(ms) },
    });
    for (const [name, step] of Object.entries(WORKFLOW_STEPS)) {
      const handler = lambdaHandler(
        step as FunctionDefinition<unknown, unknown, unknown, unknown>,
        runtime,
      );
      stepFunctions.bindHandler(functionArn(name as WorkflowFunction), (input, invocation) =>
        usage.invoke(name, LOCAL_LAMBDA_MEMORY_MB, () =>
          handler(input, lambdaContext(name as WorkflowFunction, invocation)),
        ),
      );
    }

    const rawTriggers = options.triggers ?? bundledTriggers;
    const triggers = parseTriggerConfig(rawTriggers);
    const tickSchedule = wireTriggers(
      eventbridge,
      sagemaker,
      triggers,
      rawTriggers,
      runtime,
      clock,
      usage,
    );
    wireExecutionEnded(eventbridge, stateMachineArn, runtime, clock, usage);
    const notifications = wireNotifications(eventbridge, LOCAL_BUS, {
      stackName: LOCAL_BUS,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
    });

    return {
      endpoints: {
        sagemaker: sagemaker.endpoint,
        dynamodb: dynamodb.endpoint,
        eventbridge: eventbridge.endpoint,
        stepfunctions: endpoints.sfn,
        pricing: endpoints.pricing,
      },
      stateMachineArn,
      clock,
      sagemaker,
      priceList,
      eventbridge,
      stepFunctions,
      dynamodb,
      faults: {
        sagemaker: sagemaker.service.faults,
        eventbridge: eventbridge.bus.faults,
        dynamodb: dynamodb.faults,
        lambda: stepFunctions.lambdaFaults,
      },
      environment,
      triggers,
      notifications,
      usage,
      tickSchedule,
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

function maxOffset(): number {
  return Math.max(...Object.values(PORT_OFFSETS));
}

/** Whether every server's port, from `portBase` up, is a port a server may listen on. */
export function validPortBase(portBase: number): boolean {
  return Number.isInteger(portBase) && portBase >= 1 && portBase + maxOffset() <= 65535;
}

export type TriggerFunction = "RegistryTrigger" | "ScheduleTrigger" | "ExecutionEnded";

export const EXECUTION_ENDED_RULE = "irflow-local-execution-ended";

/** The rule that cleans up after an execution that failed, timed out or was aborted. */
function wireExecutionEnded(
  eventbridge: EventBridgeServer,
  stateMachineArn: string,
  runtime: Runtime,
  clock: ScaledClock,
  usage: UsageMeter,
): void {
  const { bus } = eventbridge;
  const arn = functionArn("ExecutionEnded");
  const handler = lambdaHandler(executionEnded, runtime);
  bus.registerTargetHandler(arn, (input) =>
    clock.work(() =>
      usage.invoke("ExecutionEnded", LOCAL_LAMBDA_MEMORY_MB, () =>
        handler(input, lambdaContext("ExecutionEnded")),
      ),
    ),
  );
  bus.putRule({
    Name: EXECUTION_ENDED_RULE,
    EventPattern: JSON.stringify(executionEndedPattern(stateMachineArn)),
  });
  bus.putTargets({ Rule: EXECUTION_ENDED_RULE, Targets: [{ Id: "execution-ended", Arn: arn }] });
}

export function functionArn(name: WorkflowFunction | TriggerFunction): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:irflow-local-${name}`;
}

export const REGISTRY_RULE = "irflow-local-registry-approvals";
export const SCHEDULE_RULE = "irflow-local-schedule";

/** The model-registry rule's pattern, as deployed (src/infrastructure.json). */
export function registryPattern(triggers: TriggerConfig): Record<string, unknown> {
  return registryApprovalPattern(Object.keys(triggers.groups));
}

/**
 * Connects the registry to the default bus and the bus to the registry trigger, and returns the
 * schedule's stand-in. The handlers are built here, after STATE_MACHINE_ARN and the endpoints are
 * in the environment, from the stack's trigger configuration.
 */
function wireTriggers(
  eventbridge: EventBridgeServer,
  sagemaker: RunningSageMaker,
  triggers: TriggerConfig,
  rawTriggers: unknown,
  runtime: Runtime,
  clock: ScaledClock,
  usage: UsageMeter,
): (time: Date) => Promise<ScheduleTickResult> {
  const { bus } = eventbridge;
  const registryArn = functionArn("RegistryTrigger");
  const registryHandler = lambdaHandler(registryTrigger(rawTriggers), runtime);
  bus.registerTargetHandler(registryArn, (input) =>
    clock.work(() =>
      usage.invoke("RegistryTrigger", LOCAL_LAMBDA_MEMORY_MB, () =>
        registryHandler(input, lambdaContext("RegistryTrigger")),
      ),
    ),
  );
  // An EventBridge pattern cannot list no values: without groups, no approval starts anything.
  if (Object.keys(triggers.groups).length > 0) {
    bus.putRule({ Name: REGISTRY_RULE, EventPattern: JSON.stringify(registryPattern(triggers)) });
    bus.putTargets({
      Rule: REGISTRY_RULE,
      Targets: [{ Id: "registry-trigger", Arn: registryArn }],
    });
  }
  sagemaker.service.registry.onStateChange = (change) => {
    bus.putServiceEvent({
      Source: change.source,
      DetailType: change.detailType,
      Detail: JSON.stringify(change.detail),
      Resources: change.resources,
    });
  };

  const scheduleArn = functionArn("ScheduleTrigger");
  const scheduleHandler = lambdaHandler(scheduleTrigger(rawTriggers), runtime);
  const { RuleArn } = bus.putRule({
    Name: SCHEDULE_RULE,
    ScheduleExpression:
      triggers.schedule.window === "daily" ? "cron(0 6 * * ? *)" : "cron(0 6 ? * MON *)",
  });
  bus.putTargets({ Rule: SCHEDULE_RULE, Targets: [{ Id: "schedule-trigger", Arn: scheduleArn }] });
  return async (time) => {
    if (bus.describeRule({ Name: SCHEDULE_RULE }).State === "DISABLED") {
      throw new ScheduleDisabledError(SCHEDULE_RULE);
    }
    return clock.work(() =>
      usage.invoke(
        "ScheduleTrigger",
        LOCAL_LAMBDA_MEMORY_MB,
        async () =>
          (await scheduleHandler(
            {
              version: "0",
              id: randomUUID(),
              "detail-type": "Scheduled Event",
              source: "aws.events",
              account: LOCAL_ACCOUNT,
              time: time.toISOString().replace(/\.\d{3}Z$/, "Z"),
              region: LOCAL_REGION,
              resources: [RuleArn],
              detail: {},
            },
            lambdaContext("ScheduleTrigger"),
          )) as ScheduleTickResult,
      ),
    );
  };
}

/** The Lambda context a local invocation gets. */
function lambdaContext(
  name: WorkflowFunction | TriggerFunction,
  invocation?: LocalLambdaContext,
): Context {
  return {
    functionName: `irflow-local-${name}`,
    functionVersion: "$LATEST",
    invokedFunctionArn: invocation?.invokedFunctionArn ?? functionArn(name),
    memoryLimitInMB: String(LOCAL_LAMBDA_MEMORY_MB),
    awsRequestId: invocation?.awsRequestId || randomUUID(),
    logGroupName: `/aws/lambda/irflow-local-${name}`,
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function startDynalite(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** The table as deployed (src/infrastructure.json): one item per job, and the by-model index. */
export async function createJobsTable(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await client.send(
    new CreateTableCommand({
      TableName: LOCAL_TABLE,
      ...structuredClone(JOBS_TABLE),
    }),
  );
  client.destroy();
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers.reverse()) {
    await close().catch(() => undefined);
  }
}
