/**
 * Builds the triggers' Lambda handlers: middy with a Powertools logger of their own (structured
 * JSON, the trigger's name on every line), the trigger
 * configuration and the environment validated once, at cold start, and the event checked before
 * the trigger core runs. functions/ passes the bundled config/triggers.json; the local stack may
 * pass its own.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { z } from "zod";
import { createTriggerClients } from "../clients.ts";
import { loadTriggerEnvironment, parseTriggerConfig, withEnvironmentRole } from "./config.ts";
import { modelPackageStateChangeSchema, onModelPackageStateChange } from "./registry.ts";
import { onScheduleTick, scheduledEventSchema } from "./schedule.ts";
import type { TriggerDeps } from "./start.ts";

/** The event is not the one the trigger's rule delivers. */
export class InvalidTriggerEventError extends Error {
  override readonly name = "InvalidTriggerEventError";
}

function triggerHandler<Event, Output>(
  triggerName: string,
  eventSchema: z.ZodType<Event>,
  rawConfig: unknown,
  run: (event: Event, deps: TriggerDeps) => Promise<Output>,
  env: NodeJS.ProcessEnv,
) {
  // Read at cold start, so a misconfigured trigger fails before its first event.
  const environment = loadTriggerEnvironment(env);
  const config = withEnvironmentRole(parseTriggerConfig(rawConfig), environment);
  const logger = new Logger({ serviceName: "irflow", persistentKeys: { trigger: triggerName } });
  const deps: TriggerDeps = {
    ...createTriggerClients(),
    stateMachineArn: environment.STATE_MACHINE_ARN,
    config,
  };
  return middy(async (event: unknown, _context: Context): Promise<Output> => {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidTriggerEventError(
        `${triggerName} got an unexpected event: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
      );
    }
    logger.info("trigger started", { event: event as Record<string, unknown> });
    try {
      const output = await run(parsed.data, deps);
      logger.info("trigger finished", { output: output as Record<string, unknown> });
      return output;
    } catch (error) {
      logger.warn("trigger failed", { error: error as Error });
      throw error;
    }
  }).use(injectLambdaContext(logger, { resetKeys: true }));
}

export function registryTriggerHandler(rawConfig: unknown, env: NodeJS.ProcessEnv = process.env) {
  return triggerHandler(
    "model-registry",
    modelPackageStateChangeSchema,
    rawConfig,
    onModelPackageStateChange,
    env,
  );
}

export function scheduleTriggerHandler(rawConfig: unknown, env: NodeJS.ProcessEnv = process.env) {
  return triggerHandler("schedule", scheduledEventSchema, rawConfig, onScheduleTick, env);
}
