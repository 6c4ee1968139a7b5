import { bindFunctionArns } from "../infrastructure.ts";

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

/** The definition with every `${<Name>FunctionArn}` replaced by `arnOf(name)`. */
export function bindDefinition(
  definition: string,
  arnOf: (name: WorkflowFunction) => string,
): string {
  return bindFunctionArns(definition, Object.keys(WORKFLOW_FUNCTIONS) as WorkflowFunction[], arnOf);
}
