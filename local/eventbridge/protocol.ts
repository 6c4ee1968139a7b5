/**
 * The AWS JSON 1.1 face of the local bus, free of HTTP: which operation a request names, its
 * members checked and typed, the call, and the result as wire JSON.
 */
import { z } from "zod";
import type { LocalEventBus } from "./bus.ts";
import { UnknownOperationException, ValidationException } from "./errors.ts";
import type { InputTransformer, Target } from "./types.ts";

export const TARGET_PREFIX = "AWSEvents.";

const tagSchema = z.object({ Key: z.string(), Value: z.string() });
const pageSchema = { Limit: z.number().optional(), NextToken: z.string().optional() };

/** JSON 1.1 sends timestamps as epoch seconds. */
const timestampSchema = z
  .union([z.number(), z.string()])
  .transform((value) => (typeof value === "number" ? new Date(value * 1000) : new Date(value)));

const putEventsSchema = z.object({
  Entries: z.array(
    z.object({
      Source: z.string().optional(),
      DetailType: z.string().optional(),
      Detail: z.string().optional(),
      Resources: z.array(z.string()).optional(),
      EventBusName: z.string().optional(),
      Time: timestampSchema.optional(),
      TraceHeader: z.string().optional(),
    }),
  ),
  EndpointId: z.string().optional(),
});

const putRuleSchema = z.object({
  Name: z.string(),
  EventPattern: z.string().optional(),
  ScheduleExpression: z.string().optional(),
  State: z
    .enum(["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"])
    .optional(),
  Description: z.string().optional(),
  RoleArn: z.string().optional(),
  EventBusName: z.string().optional(),
  Tags: z.array(tagSchema).optional(),
});

const ruleRefSchema = z.object({ Name: z.string(), EventBusName: z.string().optional() });

const inputTransformerSchema: z.ZodType<InputTransformer> = z.object({
  InputPathsMap: z.record(z.string(), z.string()).optional(),
  InputTemplate: z.string(),
});

/** Other target parameters pass through untouched, so ListTargetsByRule gives them back. */
const targetSchema: z.ZodType<Target> = z.looseObject({
  Id: z.string(),
  Arn: z.string(),
  RoleArn: z.string().optional(),
  Input: z.string().optional(),
  InputPath: z.string().optional(),
  InputTransformer: inputTransformerSchema.optional(),
});

/** Parses the request members with `schema`, then runs the operation on the typed input. */
function operation<Schema extends z.ZodType>(
  schema: Schema,
  run: (bus: LocalEventBus, input: z.output<Schema>) => unknown,
): Invoker {
  return (bus, body) => {
    const parsed = schema.safeParse(body ?? {});
    if (!parsed.success) throw new ValidationException(validationMessage(parsed.error.issues));
    return run(bus, parsed.data);
  };
}

type Invoker = (bus: LocalEventBus, body: unknown) => unknown;

const operations = {
  PutEvents: operation(putEventsSchema, (bus, input) => bus.putEvents(input)),
  PutRule: operation(putRuleSchema, (bus, input) => bus.putRule(input)),
  DeleteRule: operation(ruleRefSchema.extend({ Force: z.boolean().optional() }), (bus, input) => {
    bus.deleteRule(input);
    return {};
  }),
  DescribeRule: operation(ruleRefSchema, (bus, input) => bus.describeRule(input)),
  ListRules: operation(
    z.object({
      NamePrefix: z.string().optional(),
      EventBusName: z.string().optional(),
      ...pageSchema,
    }),
    (bus, input) => bus.listRules(input),
  ),
  PutTargets: operation(
    z.object({
      Rule: z.string(),
      EventBusName: z.string().optional(),
      Targets: z.array(targetSchema),
    }),
    (bus, input) => bus.putTargets(input),
  ),
  RemoveTargets: operation(
    z.object({
      Rule: z.string(),
      EventBusName: z.string().optional(),
      Ids: z.array(z.string()),
      Force: z.boolean().optional(),
    }),
    (bus, input) => bus.removeTargets(input),
  ),
  ListTargetsByRule: operation(
    z.object({ Rule: z.string(), EventBusName: z.string().optional(), ...pageSchema }),
    (bus, input) => bus.listTargetsByRule(input),
  ),
  CreateEventBus: operation(
    z.object({
      Name: z.string(),
      Description: z.string().optional(),
      Tags: z.array(tagSchema).optional(),
    }),
    (bus, input) => bus.createEventBus(input),
  ),
  DescribeEventBus: operation(z.object({ Name: z.string().optional() }), (bus, input) =>
    bus.describeEventBus(input),
  ),
  ListEventBuses: operation(
    z.object({ NamePrefix: z.string().optional(), ...pageSchema }),
    (bus, input) => bus.listEventBuses(input),
  ),
} satisfies Record<string, Invoker>;

export type OperationName = keyof typeof operations;

export const OPERATION_NAMES: readonly string[] = Object.keys(operations);

/** The operation an `X-Amz-Target` header names. */
export function operationFromTarget(target: string | undefined): OperationName {
  const name = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  if (name === undefined || !isOperationName(name)) {
    throw new UnknownOperationException(`Operation ${target ?? "(none)"} is not supported.`);
  }
  return name;
}

function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

/** Checks the request members, runs the operation and returns the response as wire JSON. */
export function invokeOperation(bus: LocalEventBus, name: OperationName, body: unknown): unknown {
  return toWire(operations[name](bus, body));
}

function validationMessage(issues: readonly z.core.$ZodIssue[]): string {
  const details = issues.map(
    (issue) =>
      `Value at '${issue.path.join(".") || "(request)"}' failed to satisfy constraint: ${issue.message}`,
  );
  const count = issues.length === 1 ? "1 validation error" : `${issues.length} validation errors`;
  return `${count} detected: ${details.join("; ")}`;
}

/** JSON 1.1 encoding of a result: Dates as epoch seconds, absent members left out. */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, member]) => member !== undefined)
        .map(([key, member]) => [key, toWire(member)]),
    );
  }
  return value;
}
