/**
 * The triggers as functions: the model-registry trigger and the schedule trigger, each with the
 * trigger configuration parsed and the deploy's role applied once, at cold start. functions/ passes
 * the bundled config/triggers.json; the local stack may pass its own.
 */
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SFNClient } from "@aws-sdk/client-sfn";
import { defineFunction } from "../handler.ts";
import { awsClient, type Runtime } from "../runtime.ts";
import {
  parseTriggerConfig,
  type TriggerEnvironment,
  triggerEnvironmentSchema,
  withEnvironmentRole,
} from "./config.ts";
import { modelPackageStateChangeSchema, onModelPackageStateChange } from "./registry.ts";
import { onScheduleTick, scheduledEventSchema } from "./schedule.ts";
import type { TriggerDeps } from "./start.ts";

function connectTrigger(
  rawConfig: unknown,
): (runtime: Runtime, environment: TriggerEnvironment) => TriggerDeps {
  return (runtime, environment) => ({
    sagemaker: awsClient(runtime, "sagemaker", (settings) => new SageMakerClient(settings)),
    sfn: awsClient(runtime, "sfn", (settings) => new SFNClient(settings)),
    stateMachineArn: environment.STATE_MACHINE_ARN,
    config: withEnvironmentRole(parseTriggerConfig(rawConfig), environment),
  });
}

/** Starts one execution per approved model package version of a configured group. */
export function registryTrigger(rawConfig: unknown) {
  return defineFunction({
    name: "model-registry",
    kind: "trigger",
    input: modelPackageStateChangeSchema,
    settings: triggerEnvironmentSchema,
    connect: connectTrigger(rawConfig),
    run: onModelPackageStateChange,
  });
}

/** Starts one execution per schedule target and window. */
export function scheduleTrigger(rawConfig: unknown) {
  return defineFunction({
    name: "schedule",
    kind: "trigger",
    input: scheduledEventSchema,
    settings: triggerEnvironmentSchema,
    connect: connectTrigger(rawConfig),
    run: onScheduleTick,
  });
}
