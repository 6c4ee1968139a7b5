/**
 * The one way irflow builds a Lambda handler, for the workflow steps and the triggers alike: a
 * plain function wrapped by middy with Powertools. The settings are validated and the clients
 * built once per instance (at cold start); the input is parsed before the function runs; every
 * log line carries the function's name and, for a job, its name and execution.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy, { type MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";
import * as z from "zod";
import { loadSettings } from "./config.ts";
import { InvalidStepInputError, InvalidTriggerEventError } from "./errors.ts";
import { lambdaRuntime, type Runtime } from "./runtime.ts";

export interface FunctionDefinition<Input, Output, Settings, Deps> {
  /** The workflow step (`CreateJob`) or trigger (`model-registry`) the function runs. */
  name: string;
  kind: "step" | "trigger";
  input: z.ZodType<Input>;
  /** The environment the function needs, validated all at once at cold start. */
  settings: z.ZodType<Settings>;
  /** Builds what `run` needs (clients, stores, configuration) once per instance. */
  connect(runtime: Runtime, settings: Settings): Deps;
  run(input: Input, deps: Deps): Promise<Output>;
}

/** Declares a function; the type parameters are inferred from the definition. */
export function defineFunction<Input, Output, Settings, Deps>(
  definition: FunctionDefinition<Input, Output, Settings, Deps>,
): FunctionDefinition<Input, Output, Settings, Deps> {
  return definition;
}

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Every middleware has this one shape: a factory of its options returning middy's hooks. */
type Middleware = MiddlewareObj<unknown, unknown, Error, Context>;

const jobKeys = z.object({ jobName: z.string().optional(), executionArn: z.string().optional() });

/** Parses the event with the function's schema and names the function and job in every log line. */
function parseInput(options: {
  definition: FunctionDefinition<unknown, unknown, unknown, unknown>;
  logger: Logger;
}): Middleware {
  const { definition, logger } = options;
  const InvalidInput =
    definition.kind === "step" ? InvalidStepInputError : InvalidTriggerEventError;
  return {
    before: (request) => {
      const keys = jobKeys.safeParse(request.event);
      logger.appendKeys({ [definition.kind]: definition.name, ...(keys.success ? keys.data : {}) });
      const parsed = definition.input.safeParse(request.event);
      if (!parsed.success) {
        throw new InvalidInput(
          `${definition.name} got unexpected input: ${z.prettifyError(parsed.error)}`,
          { cause: parsed.error },
        );
      }
      request.event = parsed.data;
      logger.info(`${definition.kind} started`);
    },
  };
}

/** Logs the result or the error of every invocation. */
function logResult(options: { kind: string; logger: Logger }): Middleware {
  const { kind, logger } = options;
  return {
    after: (request) => {
      logger.info(`${kind} finished`, { output: request.response as Record<string, unknown> });
    },
    onError: (request) => {
      logger.warn(`${kind} failed`, { error: request.error as Error });
    },
  };
}

/** Flushes the metrics the invocation recorded; an invocation that recorded none writes nothing. */
function publishMetrics(options: { metrics: Metrics }): Middleware {
  const flush = () => {
    if (options.metrics.hasStoredMetrics()) options.metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}

export function lambdaHandler<Input, Output, Settings, Deps>(
  definition: FunctionDefinition<Input, Output, Settings, Deps>,
  runtime: Runtime = lambdaRuntime(),
): LambdaHandler {
  // At cold start: a misconfigured function fails before its first job.
  const deps = definition.connect(runtime, loadSettings(definition.settings, runtime.env));
  const general = definition as unknown as FunctionDefinition<unknown, unknown, unknown, unknown>;
  const handler = middy(async (event: unknown, _context: Context) =>
    definition.run(event as Input, deps),
  )
    .use(injectLambdaContext(runtime.logger, { resetKeys: true }))
    .use(parseInput({ definition: general, logger: runtime.logger }))
    .use(logResult({ kind: definition.kind, logger: runtime.logger }));
  if (runtime.metrics) handler.use(publishMetrics({ metrics: runtime.metrics }));
  if (runtime.tracer) handler.use(captureLambdaHandler(runtime.tracer));
  return handler as unknown as LambdaHandler;
}
