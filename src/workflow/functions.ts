import { bindFunctionArns } from "../infrastructure.ts";
import { TIME_BUDGET } from "../time-budget.ts";

/**
 * The workflow's Lambda functions: the placeholder each fills in statemachine/irflow.asl.json
 * (`${<Name>FunctionArn}`) and the module that holds its handler. The deploy and the local stack
 * both bind the definition through this table.
 */
export const WORKFLOW_FUNCTIONS = {
  ValidateSpec: "functions/validate-spec.ts",
  AcquireSlot: "functions/acquire-slot.ts",
  CreateJob: "functions/create-job.ts",
  DescribeJob: "functions/describe-job.ts",
  SelectRecommendation: "functions/select-recommendation.ts",
  DiagnoseFailure: "functions/diagnose-failure.ts",
  StopJob: "functions/stop-job.ts",
  PublishOutcome: "functions/publish-outcome.ts",
} as const;

export type WorkflowFunction = keyof typeof WORKFLOW_FUNCTIONS;

/**
 * The definition with every `${<Name>FunctionArn}` replaced by `arnOf(name)`, and the execution's
 * timeout from the time budget (src/time-budget.json), as the deploy binds it.
 */
export function bindDefinition(
  definition: string,
  arnOf: (name: WorkflowFunction) => string,
): string {
  const bound = bindFunctionArns(
    definition,
    Object.keys(WORKFLOW_FUNCTIONS) as WorkflowFunction[],
    arnOf,
  );
  const { StartAt, ...rest } = JSON.parse(bound) as { StartAt: unknown };
  return JSON.stringify(
    { StartAt, TimeoutSeconds: TIME_BUDGET.executionTimeoutSeconds, ...rest },
    null,
    2,
  );
}
