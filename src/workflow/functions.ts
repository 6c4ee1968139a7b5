import { APPLICATION, pascalName } from "../application.ts";
import { bindFunctionArns } from "../infrastructure.ts";
import { TIME_BUDGET } from "../time-budget.ts";

/** A workflow function's name in the state machine: CreateJob fills `${CreateJobFunctionArn}`. */
export type WorkflowFunction = string;

/**
 * The workflow's Lambda functions, from the application's declaration (src/application.json):
 * the placeholder each fills in statemachine/irflow.asl.json (`${<Name>FunctionArn}`) and the
 * module that holds its handler. The deploy and the local stack both bind the definition with it.
 */
export const WORKFLOW_FUNCTIONS: Readonly<Record<WorkflowFunction, string>> = Object.fromEntries(
  Object.entries(APPLICATION.functions)
    .filter(([, fn]) => fn.invokedBy === "state-machine")
    .map(([key, fn]) => [pascalName(key), `${fn.handler}.ts`]),
);

/**
 * The definition with every `${<Name>FunctionArn}` replaced by `arnOf(name)`, and the execution's
 * timeout from the time budget (src/time-budget.json), as the deploy binds it.
 */
export function bindDefinition(
  definition: string,
  arnOf: (name: WorkflowFunction) => string,
): string {
  const bound = bindFunctionArns(definition, Object.keys(WORKFLOW_FUNCTIONS), arnOf);
  const { StartAt, ...rest } = JSON.parse(bound) as { StartAt: unknown };
  return JSON.stringify(
    { StartAt, TimeoutSeconds: TIME_BUDGET.executionTimeoutSeconds, ...rest },
    null,
    2,
  );
}
