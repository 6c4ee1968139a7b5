/**
 * What a function instance runs with: its environment, how to reach AWS, its logger, metrics and
 * tracer, and its clock. On Lambda that is the process's environment and the SDK's defaults; the
 * local stack builds one per stack, so that two stacks in one process never share a setting.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { Environment } from "./config.ts";

type LogLevel = NonNullable<NonNullable<ConstructorParameters<typeof Logger>[0]>["logLevel"]>;

const SERVICE_NAME = "irflow";
const METRICS_NAMESPACE = "irflow";

export type AwsService = "sagemaker" | "dynamodb" | "eventbridge" | "sfn" | "pricing";

/** Client settings; anything left out comes from the SDK's standard configuration. */
export interface AwsOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  endpoints?: Partial<Record<AwsService, string>>;
  /** How every client retries a failed call; the SDK's standard strategy when absent. */
  retryStrategy?: DynamoDBClientConfig["retryStrategy"];
}

export interface Runtime {
  env: Environment;
  aws: AwsOptions;
  logger: Logger;
  /** Absent where nothing reads CloudWatch metrics (the local stack, tests). */
  metrics?: Metrics;
  /** Absent where there is no X-Ray daemon to send traces to. */
  tracer?: Tracer;
  now: () => Date;
  /** Waits on the same clock as `now`. */
  sleep: (milliseconds: number) => Promise<void>;
}

const realSleep = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

let lambda: Runtime | undefined;

/** The runtime of a Lambda function instance: created once, at its first use. */
export function lambdaRuntime(): Runtime {
  lambda ??= {
    env: process.env,
    aws: {},
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
    tracer: new Tracer({ serviceName: SERVICE_NAME }),
    now: () => new Date(),
    sleep: realSleep,
  };
  return lambda;
}

/**
 * An SDK client built with the runtime's settings for `service`, traced when the runtime traces.
 * Each caller imports only the client it needs, so a function's bundle holds only its clients.
 */
export function awsClient<Client extends object>(
  runtime: Runtime,
  service: AwsService,
  make: (settings: {
    region?: string;
    endpoint?: string;
    credentials?: AwsOptions["credentials"];
    retryStrategy?: AwsOptions["retryStrategy"];
  }) => Client,
): Client {
  const { region, credentials, endpoints, retryStrategy } = runtime.aws;
  const endpoint = endpoints?.[service];
  const client = make({
    ...(region ? { region } : {}),
    ...(credentials ? { credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(retryStrategy ? { retryStrategy } : {}),
  });
  return runtime.tracer ? runtime.tracer.captureAWSv3Client(client) : client;
}

/**
 * A runtime of its own, for one local stack or one test: its settings passed in, never read from
 * or written to the process's environment.
 */
export function createRuntime(options: {
  env: Environment;
  aws: AwsOptions;
  logLevel?: string;
  /** The clock, both halves or neither: the real one by default. */
  clock?: { now: () => Date; sleep: (milliseconds: number) => Promise<void> };
}): Runtime {
  return {
    env: options.env,
    aws: options.aws,
    logger: new Logger({
      serviceName: SERVICE_NAME,
      ...(options.logLevel ? { logLevel: options.logLevel as LogLevel } : {}),
    }),
    now: options.clock?.now ?? (() => new Date()),
    sleep: options.clock?.sleep ?? realSleep,
  };
}
