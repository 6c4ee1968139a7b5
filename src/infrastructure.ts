/**
 * The infrastructure facts that the deploy, the local stack and the code share, read from
 * infrastructure.json beside this file: the jobs table's keys and index, the model-registry
 * rule's fixed event pattern, where the state machine's definition lives and the placeholder by
 * which it names a function. serverless.yml and deploy/*.cjs read the same JSON at package time,
 * since they cannot import TypeScript; here it is validated once, at import.
 *
 * The table is kept in the shape that both CloudFormation's AWS::DynamoDB::Table and DynamoDB's
 * CreateTable take, so each side uses it as it is.
 */
import * as z from "zod";
import { ConfigError } from "./errors.ts";
import facts from "./infrastructure.json" with { type: "json" };
import notificationRules from "./notification-rules.json" with { type: "json" };

const attributeName = z.string().min(1);
const keyOf = <Type extends "HASH" | "RANGE">(keyType: Type) =>
  z.strictObject({ AttributeName: attributeName, KeyType: z.literal(keyType) });

const jobsTableSchema = z
  .strictObject({
    BillingMode: z.literal("PAY_PER_REQUEST"),
    AttributeDefinitions: z.array(
      z.strictObject({ AttributeName: attributeName, AttributeType: z.enum(["S", "N", "B"]) }),
    ),
    KeySchema: z.tuple([keyOf("HASH")]),
    GlobalSecondaryIndexes: z.tuple([
      z.strictObject({
        IndexName: z.string().min(3),
        KeySchema: z.tuple([keyOf("HASH"), keyOf("RANGE")]),
        Projection: z.strictObject({ ProjectionType: z.literal("ALL") }),
      }),
    ]),
  })
  .superRefine((table, context) => {
    // DynamoDB wants a definition for each key attribute and refuses one for any other attribute.
    const keys = new Set(
      [...table.KeySchema, ...table.GlobalSecondaryIndexes.flatMap((index) => index.KeySchema)].map(
        (key) => key.AttributeName,
      ),
    );
    const defined = table.AttributeDefinitions.map((definition) => definition.AttributeName);
    for (const name of keys) {
      if (!defined.includes(name)) {
        context.addIssue({
          code: "custom",
          path: ["AttributeDefinitions"],
          message: `must define the key attribute ${name}`,
        });
      }
    }
    for (const name of defined) {
      if (!keys.has(name)) {
        context.addIssue({
          code: "custom",
          path: ["AttributeDefinitions"],
          message: `defines ${name}, which is no key of the table or its index`,
        });
      }
    }
  });

const eventValues = z.array(z.string().min(1)).min(1);

const registryApprovalPatternSchema = z.strictObject({
  source: eventValues,
  "detail-type": eventValues,
  detail: z.strictObject({ ModelApprovalStatus: eventValues }),
});

const executionEndedPatternSchema = z.strictObject({
  source: eventValues,
  "detail-type": eventValues,
  detail: z.strictObject({ status: eventValues }),
});

/** A regular expression source that captures exactly one thing: the function's name. */
const placeholderSchema = z.string().refine(
  (source) => {
    try {
      // Matching the empty alternative yields one slot per capture group.
      return new RegExp(`${source}|`).exec("")?.length === 2;
    } catch {
      return false;
    }
  },
  { message: "must be a regular expression with exactly one capture group (the function name)" },
);

const infrastructureSchema = z.strictObject({
  jobsTable: jobsTableSchema,
  jobsTableTimeToLive: z.strictObject({ AttributeName: attributeName, Enabled: z.literal(true) }),
  registryApprovalPattern: registryApprovalPatternSchema,
  executionEndedPattern: executionEndedPatternSchema,
  stateMachineDefinition: z
    .string()
    .regex(/^[\w./-]+\.asl\.json$/, "must be a path to an .asl.json file"),
  functionArnPlaceholder: placeholderSchema,
});

export type Infrastructure = z.output<typeof infrastructureSchema>;
export type JobsTable = Infrastructure["jobsTable"];

/** Validates infrastructure facts; a bad fact is a ConfigError naming the field and the rule. */
export function parseInfrastructure(raw: unknown): Infrastructure {
  const parsed = infrastructureSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`invalid src/infrastructure.json:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

const infrastructure = parseInfrastructure(facts);

/** Billing, attribute definitions, key and index of the jobs table: one item per job. */
export const JOBS_TABLE: JobsTable = infrastructure.jobsTable;
/** The TTL setting: DynamoDB removes a record once the time in this attribute passes. */
export const JOBS_TABLE_TIME_TO_LIVE = infrastructure.jobsTableTimeToLive;

const [jobKey] = JOBS_TABLE.KeySchema;
const [byModel] = JOBS_TABLE.GlobalSecondaryIndexes;

/** The record attribute that keys the table. */
export const JOB_NAME_KEY = jobKey.AttributeName;
/** The index that lists a model's jobs, newest first, and its key attributes. */
export const BY_MODEL_INDEX = byModel.IndexName;
export const BY_MODEL_INDEX_KEYS = {
  partition: byModel.KeySchema[0].AttributeName,
  sort: byModel.KeySchema[1].AttributeName,
};
/** The record attribute holding the epoch second after which DynamoDB's TTL removes it. */
export const RECORD_EXPIRY_ATTRIBUTE = JOBS_TABLE_TIME_TO_LIVE.AttributeName;

export type RegistryApprovalPattern = Infrastructure["registryApprovalPattern"] & {
  detail: { ModelPackageGroupName: string[] };
};

/**
 * The EventBridge pattern of the model-registry rule: approvals of a version in one of `groups`.
 * EventBridge refuses an empty value list, so with no groups there must be no rule at all.
 */
export function registryApprovalPattern(groups: readonly string[]): RegistryApprovalPattern {
  const fixed = infrastructure.registryApprovalPattern;
  return { ...fixed, detail: { ...fixed.detail, ModelPackageGroupName: [...groups] } };
}

export type ExecutionEndedPattern = Infrastructure["executionEndedPattern"] & {
  detail: { stateMachineArn: string[] };
};

/**
 * The EventBridge pattern of the rule that cleans up after an execution of `stateMachineArn` that
 * ended FAILED, TIMED_OUT or ABORTED.
 */
export function executionEndedPattern(stateMachineArn: string): ExecutionEndedPattern {
  const fixed = infrastructure.executionEndedPattern;
  return { ...fixed, detail: { ...fixed.detail, stateMachineArn: [stateMachineArn] } };
}

/** The state machine's definition (plain ASL), relative to the project root. */
export const STATE_MACHINE_DEFINITION_PATH = infrastructure.stateMachineDefinition;

const placeholders = () => new RegExp(infrastructure.functionArnPlaceholder, "g");

/** The function names of the `${<Name>FunctionArn}` placeholders in a definition, in order. */
export function functionPlaceholders(definition: string): string[] {
  return [...definition.matchAll(placeholders())].map((match) => match[1] ?? "");
}

/**
 * The definition with each `${<Name>FunctionArn}` placeholder replaced by `arnOf(name)`. A
 * placeholder for a name not in `functions` is a ConfigError: it would invoke nothing.
 */
export function bindFunctionArns<Name extends string>(
  definition: string,
  functions: readonly Name[],
  arnOf: (name: Name) => string,
): string {
  const known = new Set<string>(functions);
  return definition.replace(placeholders(), (placeholder, name: string) => {
    if (!known.has(name)) {
      throw new ConfigError(
        `unknown function placeholder ${placeholder}: the functions are ${functions.join(", ")}`,
      );
    }
    return arnOf(name as Name);
  });
}

const notificationRuleSchema = z.strictObject({
  logicalId: z.string().regex(/^[A-Za-z0-9]+$/),
  /** The rule's name after `irflow-<stage>-`. */
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().max(512),
  eventPattern: z.record(z.string(), z.unknown()),
  inputTransformer: z.strictObject({
    InputPathsMap: z.record(z.string(), z.string()),
    InputTemplate: z.string().min(1),
  }),
});

/**
 * The ops-notification rules (src/notification-rules.json): the deploy builds them on the outcome
 * bus with the SNS topic as target, and the local stack puts the same rules on its bus.
 */
export const NOTIFICATION_RULES = z.array(notificationRuleSchema).parse(notificationRules);
export type NotificationRule = z.infer<typeof notificationRuleSchema>;
