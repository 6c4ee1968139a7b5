/**
 * The workflow's Lambda functions: the placeholder each fills in statemachine/irflow.asl.json
 * (`${<Name>FunctionArn}`) and the module that holds its handler. The deploy and the local stack
 * both bind the definition through this table.
 */
export const WORKFLOW_FUNCTIONS = {
  ValidateSpec: "functions/validate-spec.ts",
  CreateJob: "functions/create-job.ts",
  DescribeJob: "functions/describe-job.ts",
  SelectRecommendation: "functions/select-recommendation.ts",
  DiagnoseFailure: "functions/diagnose-failure.ts",
  StopJob: "functions/stop-job.ts",
  PublishOutcome: "functions/publish-outcome.ts",
} as const;

export type WorkflowFunction = keyof typeof WORKFLOW_FUNCTIONS;

export const DEFINITION_PATH = "statemachine/irflow.asl.json";

/** The definition with every `${<Name>FunctionArn}` replaced by `arnOf(name)`. */
export function bindDefinition(
  definition: string,
  arnOf: (name: WorkflowFunction) => string,
): string {
  return definition.replace(/\$\{([A-Za-z]+)FunctionArn\}/g, (placeholder, name: string) => {
    if (!(name in WORKFLOW_FUNCTIONS))
      throw new Error(`unknown function placeholder ${placeholder}`);
    return arnOf(name as WorkflowFunction);
  });
}
