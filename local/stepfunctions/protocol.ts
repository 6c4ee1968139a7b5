/**
 * The AWS JSON 1.0 protocol of Step Functions, without the transport: one request (target header
 * and body text) in, one status and JSON body out.
 */
import { z } from "zod";
import {
  LocalStepFunctionsError,
  SerializationException,
  UnknownOperationException,
  ValidationException,
} from "./errors.ts";
import { EXECUTION_STATUSES, type LocalStepFunctions } from "./service.ts";

export const TARGET_PREFIX = "AWSStepFunctions.";
export const JSON_1_0_CONTENT_TYPE = "application/x-amz-json-1.0";

export interface ProtocolResponse {
  statusCode: number;
  body: string;
}

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
  StopExecution: operation(
    z.object({ ...executionArn, error: z.string().optional(), cause: z.string().optional() }),
    (service, request) => service.stopExecution(request),
  ),
};

export const SUPPORTED_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);

/** Handles one JSON 1.0 request; never throws. */
export async function handleJsonRequest(
  service: LocalStepFunctions,
  target: string | undefined,
  bodyText: string,
): Promise<ProtocolResponse> {
  try {
    const call = operationFor(target);
    const result = await call(service, parseBody(bodyText));
    return { statusCode: 200, body: JSON.stringify(toWire(result ?? {})) };
  } catch (error) {
    if (error instanceof LocalStepFunctionsError) {
      return errorResponse(400, error.name, error.message);
    }
    const message = error instanceof Error ? error.message : String(error);
    return errorResponse(500, "InternalFailure", message);
  }
}

/**
 * The value as the JSON 1.0 protocol carries it: timestamps become epoch seconds, which is what
 * the AWS SDKs parse for this protocol.
 */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toWire(inner)]));
  }
  return value;
}

function operationFor(target: string | undefined): Operation {
  const name = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  const call = name !== undefined && Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  if (!call) {
    throw new UnknownOperationException(`Unknown or unsupported operation: ${target ?? "(none)"}`);
  }
  return call;
}

function parseBody(bodyText: string): unknown {
  if (bodyText.trim() === "") return {};
  try {
    return JSON.parse(bodyText);
  } catch (error) {
    throw new SerializationException("Request body is not valid JSON", { cause: error });
  }
}

function errorResponse(statusCode: number, type: string, message: string): ProtocolResponse {
  return { statusCode, body: JSON.stringify({ __type: type, message }) };
}
