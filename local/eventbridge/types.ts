/**
 * Shapes of the local EventBridge: the delivered event envelope and the request and response
 * members of each supported operation, named as the AWS API names them.
 */

/** An event as EventBridge delivers it to targets. */
export interface EventEnvelope {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  /** ISO 8601 without milliseconds, e.g. 2024-05-01T12:00:00Z. */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  /** A JSON object, as text. */
  Detail?: string;
  Resources?: string[];
  /** A bus name or ARN; the default bus when absent. */
  EventBusName?: string;
  Time?: Date;
  TraceHeader?: string;
}

export interface PutEventsInput {
  Entries: PutEventsRequestEntry[];
  EndpointId?: string;
}

export type PutEventsResultEntry =
  | { EventId: string }
  | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsOutput {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

export type RuleState = "ENABLED" | "DISABLED" | "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

export interface Tag {
  Key: string;
  Value: string;
}

export interface PutRuleInput {
  Name: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State?: RuleState;
  Description?: string;
  RoleArn?: string;
  EventBusName?: string;
  Tags?: Tag[];
}

export interface RuleRef {
  Name: string;
  EventBusName?: string;
}

export interface DeleteRuleInput extends RuleRef {
  Force?: boolean;
}

export interface RuleDescription {
  Name: string;
  Arn: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: RuleState;
  Description?: string;
  RoleArn?: string;
  EventBusName: string;
  CreatedBy: string;
}

export interface Page {
  Limit?: number;
  NextToken?: string;
}

export interface ListRulesInput extends Page {
  NamePrefix?: string;
  EventBusName?: string;
}

export interface ListRulesOutput {
  Rules: Omit<RuleDescription, "CreatedBy">[];
  NextToken?: string;
}

export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

export interface Target {
  Id: string;
  Arn: string;
  RoleArn?: string;
  /** Constant JSON text delivered instead of the event. */
  Input?: string;
  /** JSONPath of the part of the event to deliver. */
  InputPath?: string;
  InputTransformer?: InputTransformer;
  /** Other AWS target parameters (RetryPolicy, SqsParameters, ...), kept and listed as given. */
  [parameter: string]: unknown;
}

export interface PutTargetsInput {
  Rule: string;
  EventBusName?: string;
  Targets: Target[];
}

export interface FailedTargetEntry {
  TargetId: string;
  ErrorCode: string;
  ErrorMessage: string;
}

export interface TargetsChangeOutput {
  FailedEntryCount: number;
  FailedEntries: FailedTargetEntry[];
}

export interface RemoveTargetsInput {
  Rule: string;
  EventBusName?: string;
  Ids: string[];
  Force?: boolean;
}

export interface ListTargetsByRuleInput extends Page {
  Rule: string;
  EventBusName?: string;
}

export interface ListTargetsByRuleOutput {
  Targets: Target[];
  NextToken?: string;
}

export interface CreateEventBusInput {
  Name: string;
  Description?: string;
  Tags?: Tag[];
}

export interface EventBusDescription {
  Name: string;
  Arn: string;
  Description?: string;
  CreationTime: Date;
  LastModifiedTime: Date;
}

export interface ListEventBusesInput extends Page {
  NamePrefix?: string;
}

export interface ListEventBusesOutput {
  EventBuses: EventBusDescription[];
  NextToken?: string;
}
