/**
 * The AWS JSON 1.1 operations of the local bus, free of HTTP: each request's members checked and
 * typed, then the call. The transport and the wire encoding are local/aws-json.ts's.
 */
import * as z from "zod";
import type { OperationHandler } from "../aws-json.ts";
import type { LocalEventBus } from "./bus.ts";
import { ValidationException } from "./errors.ts";
import type { InputTransformer, Target } from "./types.ts";

/** The part of `X-Amz-Target` before the operation name. */
export const TARGET_PREFIX = "AWSEvents";

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
  EnableRule: operation(ruleRefSchema, (bus, input) => {
    bus.setRuleState(input, "ENABLED");
    return {};
  }),
  DisableRule: operation(ruleRefSchema, (bus, input) => {
    bus.setRuleState(input, "DISABLED");
    return {};
  }),
  TestEventPattern: operation(
    z.object({ EventPattern: z.string(), Event: z.string() }),
    (bus, input) => bus.testEventPattern(input),
  ),
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

/** The operations of `bus`, by name, for startAwsJsonServer. */
export function eventBridgeOperations(bus: LocalEventBus): Record<OperationName, OperationHandler> {
  const bound = Object.entries(operations).map(([name, invoke]) => [
    name,
    (input: unknown) => invoke(bus, input),
  ]);
  return Object.fromEntries(bound) as Record<OperationName, OperationHandler>;
}

function validationMessage(issues: readonly z.core.$ZodIssue[]): string {
  const details = issues.map(
    (issue) =>
      `Value at '${issue.path.join(".") || "(request)"}' failed to satisfy constraint: ${issue.message}`,
  );
  const count = issues.length === 1 ? "1 validation error" : `${issues.length} validation errors`;
  return `${count} detected: ${details.join("; ")}`;
}
