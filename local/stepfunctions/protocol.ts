/**
 * The AWS JSON 1.0 operations of Step Functions, free of HTTP: each request's members checked and
 * typed, then the call. The transport and the wire encoding are local/aws-json.ts's.
 */
import * as z from "zod";
import type { OperationHandler } from "../aws-json.ts";
import { parseDefinition } from "./definition.ts";
import { InvalidDefinition, ResourceNotFound, ValidationException } from "./errors.ts";
import { EXECUTION_STATUSES, type LocalStepFunctions } from "./service.ts";

/** The part of `X-Amz-Target` before the operation name. */
export const TARGET_PREFIX = "AWSStepFunctions";

type Operation = (service: LocalStepFunctions, body: unknown) => unknown;

function operation<Schema extends z.ZodType>(
  schema: Schema,
  call: (service: LocalStepFunctions, request: z.infer<Schema>) => unknown,
): Operation {
  return (service, body) => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join(".") || "request"}: ${issue.message}`,
      );
      throw new ValidationException(
        `${problems.length} validation error(s) detected: ${problems.join("; ")}`,
      );
    }
    return call(service, parsed.data);
  };
}

const page = { maxResults: z.number().int().optional(), nextToken: z.string().optional() };
const executionArn = { executionArn: z.string() };
const stateMachineArn = { stateMachineArn: z.string() };

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateStateMachine: operation(
    z.object({
      name: z.string(),
      definition: z.string(),
      roleArn: z.string().optional(),
      type: z.literal("STANDARD").optional(),
    }),
    (service, request) => service.createStateMachine(request),
  ),
  DescribeStateMachine: operation(z.object(stateMachineArn), (service, request) =>
    service.describeStateMachine(request.stateMachineArn),
  ),
  ListStateMachines: operation(z.object(page), (service, request) =>
    service.listStateMachines(request),
  ),
  StartExecution: operation(
    z.object({ ...stateMachineArn, name: z.string().optional(), input: z.string().optional() }),
    (service, request) => service.startExecution(request),
  ),
  DescribeExecution: operation(z.object(executionArn), (service, request) =>
    service.describeExecution(request.executionArn),
  ),
  ListExecutions: operation(
    z.object({ ...stateMachineArn, ...page, statusFilter: z.enum(EXECUTION_STATUSES).optional() }),
    (service, request) => service.listExecutions(request),
  ),
  GetExecutionHistory: operation(
    z.object({
      ...executionArn,
      ...page,
      reverseOrder: z.boolean().optional(),
      includeExecutionData: z.boolean().optional(),
    }),
    (service, request) => service.getExecutionHistory(request),
  ),
  DescribeStateMachineForExecution: operation(z.object(executionArn), (service, request) => {
    const { stateMachineArn, name, definition, roleArn, creationDate } =
      service.describeStateMachine(service.describeExecution(request.executionArn).stateMachineArn);
    return { stateMachineArn, name, definition, roleArn, updateDate: creationDate };
  }),
  // The local service keeps no tags: a state machine has none.
  ListTagsForResource: operation(z.object({ resourceArn: z.string() }), (service, request) => {
    try {
      service.describeStateMachine(request.resourceArn);
    } catch (error) {
      throw new ResourceNotFound(`Resource not found: '${request.resourceArn}'`, { cause: error });
    }
    return { tags: [] };
  }),
  ValidateStateMachineDefinition: operation(
    z.object({ definition: z.string(), type: z.enum(["STANDARD", "EXPRESS"]).optional() }),
    (_service, request) => validateDefinition(request.definition),
  ),
  StopExecution: operation(
    z.object({ ...executionArn, error: z.string().optional(), cause: z.string().optional() }),
    (service, request) => service.stopExecution(request),
  ),
};

/** ValidateStateMachineDefinition's answer, from the checks CreateStateMachine makes. */
function validateDefinition(definition: string): {
  result: "OK" | "FAIL";
  diagnostics: { severity: "ERROR"; code: string; message: string }[];
  truncated: boolean;
} {
  try {
    parseDefinition(definition);
    return { result: "OK", diagnostics: [], truncated: false };
  } catch (error) {
    if (!(error instanceof InvalidDefinition)) throw error;
    const diagnostics = error.problems.map((message) => ({
      severity: "ERROR" as const,
      code: "SCHEMA_VALIDATION_FAILED",
      message,
    }));
    return { result: "FAIL", diagnostics, truncated: false };
  }
}

export const SUPPORTED_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);

/** The operations of `service`, by name, for startAwsJsonServer. */
export function stepFunctionsOperations(
  service: LocalStepFunctions,
): Record<string, OperationHandler> {
  const bound = Object.entries(OPERATIONS).map(([name, call]) => [
    name,
    (input: unknown) => call(service, input),
  ]);
  return Object.fromEntries(bound);
}
