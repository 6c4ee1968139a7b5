/**
 * An in-memory EventBridge: buses, rules, targets and PutEvents, with every accepted event and
 * every delivery recorded so people and tests can see what happened. Targets are in-process
 * handlers registered by ARN.
 */
import { randomUUID } from "node:crypto";
import {
  assertRequestLimits,
  buildEnvelope,
  checkEntry,
  MAX_REQUEST_ENTRY_BYTES,
} from "./entries.ts";
import {
  InternalException,
  InvalidEventPatternException,
  LimitExceededException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from "./errors.ts";
import { EventBridgeFaults, type FaultOptions } from "./faults.ts";
import { targetInput } from "./input-transform.ts";
import { paginate } from "./pagination.ts";
import { matchesPattern, validatePattern } from "./pattern.ts";
import type {
  CreateEventBusInput,
  DeleteRuleInput,
  EventBusDescription,
  EventEnvelope,
  ListEventBusesInput,
  ListEventBusesOutput,
  ListRulesInput,
  ListRulesOutput,
  ListTargetsByRuleInput,
  ListTargetsByRuleOutput,
  PutEventsInput,
  PutEventsOutput,
  PutEventsRequestEntry,
  PutEventsResultEntry,
  PutRuleInput,
  PutTargetsInput,
  RemoveTargetsInput,
  RuleDescription,
  RuleRef,
  RuleState,
  Target,
  TargetsChangeOutput,
} from "./types.ts";
import {
  busNameProblem,
  MAX_TARGETS_PER_CALL,
  MAX_TARGETS_PER_RULE,
  ruleNameProblem,
  targetProblem,
} from "./validation.ts";

export const DEFAULT_BUS = "default";
export const DEFAULT_ACCOUNT_ID = "000000000000";
export const DEFAULT_REGION = "us-east-1";

const RULE_STATES: ReadonlySet<string> = new Set<RuleState>([
  "ENABLED",
  "DISABLED",
  "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
]);

export interface LocalEventBusOptions {
  region?: string;
  accountId?: string;
  /** Clock for event times; tests pin it. */
  now?: () => Date;
  newEventId?: () => string;
  /** Faults to inject from the start (faults.ts); change them later with `injectFaults`. */
  faults?: FaultOptions;
  limits?: {
    /** PutEvents refuses a call whose entries total this many bytes or more; default 256 KB. */
    requestEntryBytes?: number;
  };
}

/** What a handler learns about the delivery besides its input. */
export interface TargetInvocation {
  event: EventEnvelope;
  eventBusName: string;
  ruleName: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
}

/** Receives a target's input: the event, or what Input/InputPath/InputTransformer made of it. */
export type TargetHandler = (input: unknown, invocation: TargetInvocation) => unknown;

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface DeliveryRecord {
  eventId: string;
  eventBusName: string;
  ruleName: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  status: DeliveryStatus;
  /** What the target was given, once computed. */
  input?: unknown;
  error?: string;
}

export interface ReceivedFilter {
  /** A bus name or ARN. */
  busName?: string;
  detailType?: string;
  source?: string;
}

export interface ReceivedEvent {
  eventBusName: string;
  event: EventEnvelope;
}

export class TargetHandlerMissing extends Error {
  override readonly name = "TargetHandlerMissing";
}

interface BusRecord {
  name: string;
  arn: string;
  description?: string;
  createdAt: Date;
  rules: Map<string, RuleRecord>;
}

interface RuleRecord {
  name: string;
  arn: string;
  busName: string;
  eventPattern?: string;
  pattern?: unknown;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  targets: Map<string, Target>;
}

export class LocalEventBus {
  readonly region: string;
  readonly accountId: string;
  readonly #now: () => Date;
  readonly #newEventId: () => string;
  readonly #buses = new Map<string, BusRecord>();
  readonly #handlers = new Map<string, TargetHandler>();
  readonly #received: ReceivedEvent[] = [];
  readonly #deliveries: DeliveryRecord[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #requestEntryBytes: number;
  /** PutEvents faults (faults.ts): their settings, counts and the calls whose answer was lost. */
  readonly faults: EventBridgeFaults;

  constructor(options: LocalEventBusOptions = {}) {
    this.region = options.region ?? DEFAULT_REGION;
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    this.#now = options.now ?? (() => new Date());
    this.#newEventId = options.newEventId ?? randomUUID;
    this.faults = new EventBridgeFaults(options.faults);
    this.#requestEntryBytes = options.limits?.requestEntryBytes ?? MAX_REQUEST_ENTRY_BYTES;
    if (!Number.isInteger(this.#requestEntryBytes) || this.#requestEntryBytes < 1) {
      throw new RangeError(
        `limits.requestEntryBytes must be a positive integer, got ${this.#requestEntryBytes}`,
      );
    }
    this.#addBus(DEFAULT_BUS);
  }

  // -------------------------------------------------------------------------------------------
  // Local-stack hooks

  /** Routes deliveries for `arn` to `handler`; returns a function that unregisters it. */
  registerTargetHandler(arn: string, handler: TargetHandler): () => void {
    this.#handlers.set(arn, handler);
    return () => {
      if (this.#handlers.get(arn) === handler) this.#handlers.delete(arn);
    };
  }

  /** Accepted events in arrival order, optionally narrowed. */
  received(filter: ReceivedFilter = {}): EventEnvelope[] {
    return this.receivedWithBus(filter).map((record) => record.event);
  }

  /** Accepted events with the bus each arrived on. */
  receivedWithBus(filter: ReceivedFilter = {}): ReceivedEvent[] {
    const busName = filter.busName === undefined ? undefined : busNameOf(filter.busName);
    return this.#received
      .filter(
        (record) =>
          (busName === undefined || record.eventBusName === busName) &&
          (filter.detailType === undefined || record.event["detail-type"] === filter.detailType) &&
          (filter.source === undefined || record.event.source === filter.source),
      )
      .map((record) => structuredClone(record));
  }

  /** Every delivery attempt in the order rules matched, with its current status. */
  deliveries(): DeliveryRecord[] {
    return this.#deliveries.map((record) => structuredClone(record));
  }

  /** Resolves once no delivery is pending, including those started by handlers meanwhile. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) {
      await Promise.allSettled([...this.#inFlight]);
    }
  }

  /**
   * Replaces the PutEvents faults: seeded, deterministic fractions of entries failed, calls
   * throttled and calls whose answer is lost after their events were accepted (faults.ts).
   */
  injectFaults(options: FaultOptions): void {
    this.faults.configure(options);
  }

  /**
   * Publishes as an AWS service would: `aws.*` sources are allowed and faults are not injected.
   * For local stand-ins of AWS services (a SageMaker job changing state, for example).
   */
  putServiceEvent(entry: PutEventsRequestEntry): PutEventsResultEntry {
    return this.#accept(entry, { allowAwsSource: true, failEntry: () => false });
  }

  eventBusArn(name: string): string {
    return `arn:aws:events:${this.region}:${this.accountId}:event-bus/${name}`;
  }

  ruleArn(ruleName: string, busName: string = DEFAULT_BUS): string {
    const path = busName === DEFAULT_BUS ? ruleName : `${busName}/${ruleName}`;
    return `arn:aws:events:${this.region}:${this.accountId}:rule/${path}`;
  }

  // -------------------------------------------------------------------------------------------
  // Events

  /**
   * Throws ValidationException for a call over the request limits, ThrottlingException for a
   * throttled call (nothing accepted), and InternalException when the answer of a call that
   * accepted events is lost: those events are on the bus all the same.
   */
  putEvents(input: PutEventsInput): PutEventsOutput {
    assertRequestLimits(input.Entries, this.#requestEntryBytes);
    if (this.faults.throttleCall()) throw new ThrottlingException("Rate exceeded");
    const entries = input.Entries.map((entry) =>
      this.#accept(entry, { allowAwsSource: false, failEntry: () => this.faults.failEntry() }),
    );
    const accepted = entries.flatMap((entry) => ("EventId" in entry ? [entry.EventId] : []));
    if (this.faults.loseResponse(accepted)) {
      throw new InternalException("An internal error occurred; the request may have succeeded.");
    }
    const FailedEntryCount = entries.length - accepted.length;
    return { FailedEntryCount, Entries: entries };
  }

  #accept(
    entry: PutEventsRequestEntry,
    options: { allowAwsSource: boolean; failEntry: () => boolean },
  ): PutEventsResultEntry {
    const check = checkEntry(entry, options);
    if (!check.ok) return check.failure;
    const busName = busNameOf(entry.EventBusName);
    const bus = this.#buses.get(busName);
    if (!bus) {
      return {
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: `Event bus ${busName} does not exist.`,
      };
    }
    if (options.failEntry()) {
      return { ErrorCode: "InternalFailure", ErrorMessage: "Internal Service Failure" };
    }
    const receivedAt = this.#now();
    const event = buildEnvelope(check.entry, {
      id: this.#newEventId(),
      account: this.accountId,
      region: this.region,
      receivedAt,
    });
    this.#received.push({ eventBusName: bus.name, event });
    this.#route(bus, event, receivedAt);
    return { EventId: event.id };
  }

  #route(bus: BusRecord, event: EventEnvelope, receivedAt: Date): void {
    for (const rule of bus.rules.values()) {
      if (rule.state === "DISABLED" || rule.pattern === undefined) continue;
      if (!matchesPattern(rule.pattern, event)) continue;
      for (const target of rule.targets.values()) {
        this.#startDelivery(rule, structuredClone(target), event, receivedAt);
      }
    }
  }

  #startDelivery(rule: RuleRecord, target: Target, event: EventEnvelope, receivedAt: Date): void {
    const record: DeliveryRecord = {
      eventId: event.id,
      eventBusName: rule.busName,
      ruleName: rule.name,
      ruleArn: rule.arn,
      targetId: target.Id,
      targetArn: target.Arn,
      status: "pending",
    };
    this.#deliveries.push(record);
    const invocation: TargetInvocation = {
      event: structuredClone(event),
      eventBusName: rule.busName,
      ruleName: rule.name,
      ruleArn: rule.arn,
      targetId: target.Id,
      targetArn: target.Arn,
    };
    // Deliveries run after PutEvents returns, like the real service; failures stay in the record.
    const task = Promise.resolve()
      .then(() => this.#deliver(record, target, invocation, receivedAt))
      .then(
        () => {
          record.status = "delivered";
        },
        (error: unknown) => {
          record.status = "failed";
          record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        },
      )
      .finally(() => this.#inFlight.delete(task));
    this.#inFlight.add(task);
  }

  async #deliver(
    record: DeliveryRecord,
    target: Target,
    invocation: TargetInvocation,
    receivedAt: Date,
  ): Promise<void> {
    const input = targetInput(target, invocation.event, {
      ruleName: invocation.ruleName,
      ruleArn: invocation.ruleArn,
      ingestionTime: receivedAt.toISOString(),
    });
    record.input = structuredClone(input);
    const handler = this.#handlers.get(target.Arn);
    if (!handler)
      throw new TargetHandlerMissing(`No target handler is registered for ${target.Arn}`);
    await handler(input, invocation);
  }

  // -------------------------------------------------------------------------------------------
  // Rules

  putRule(input: PutRuleInput): { RuleArn: string } {
    throwIf(ruleNameProblem(input.Name), ValidationException);
    const bus = this.#bus(input.EventBusName);
    const state = input.State ?? "ENABLED";
    if (!RULE_STATES.has(state)) {
      throw new ValidationException(`State ${state} is not one of ${[...RULE_STATES].join(", ")}.`);
    }
    if (input.EventPattern === undefined && input.ScheduleExpression === undefined) {
      throw new ValidationException(
        "Parameter(s) EventPattern or ScheduleExpression must be specified.",
      );
    }
    if (input.ScheduleExpression !== undefined && bus.name !== DEFAULT_BUS) {
      throw new ValidationException(
        "ScheduleExpression is supported only on the default event bus.",
      );
    }
    const pattern = input.EventPattern === undefined ? undefined : parsePattern(input.EventPattern);
    const existing = bus.rules.get(input.Name);
    const rule: RuleRecord = {
      name: input.Name,
      arn: this.ruleArn(input.Name, bus.name),
      busName: bus.name,
      eventPattern: input.EventPattern,
      pattern,
      // Schedules are stored and described but never fire: nothing local needs a clock-driven rule.
      scheduleExpression: input.ScheduleExpression,
      state,
      description: input.Description,
      roleArn: input.RoleArn,
      targets: existing?.targets ?? new Map(),
    };
    bus.rules.set(rule.name, rule);
    return { RuleArn: rule.arn };
  }

  /** Like AWS, deleting a rule that does not exist succeeds; one with targets does not. */
  deleteRule(input: DeleteRuleInput): void {
    const bus = this.#bus(input.EventBusName);
    const rule = bus.rules.get(input.Name);
    if (!rule) return;
    if (rule.targets.size > 0)
      throw new ValidationException("Rule can't be deleted since it has targets.");
    bus.rules.delete(rule.name);
  }

  /** EnableRule and DisableRule: a disabled rule keeps its targets and matches nothing. */
  setRuleState(input: RuleRef, state: "ENABLED" | "DISABLED"): void {
    this.#rule(input.Name, input.EventBusName).state = state;
  }

  /**
   * TestEventPattern: whether `Event` matches `EventPattern`. The event must carry the fields AWS
   * requires of it (id, account, source, time, region, resources, detail-type).
   */
  testEventPattern(input: { EventPattern: string; Event: string }): { Result: boolean } {
    const pattern = parsePattern(input.EventPattern);
    let event: unknown;
    try {
      event = JSON.parse(input.Event);
    } catch (cause) {
      throw new ValidationException("Parameter Event is not valid: it is not JSON.", { cause });
    }
    const missing = TEST_EVENT_FIELDS.filter(
      (field) => typeof event !== "object" || event === null || !Object.hasOwn(event, field),
    );
    if (missing.length > 0) {
      throw new ValidationException(
        `Parameter Event is not valid: it lacks ${missing.join(", ")}.`,
      );
    }
    return { Result: matchesPattern(pattern, event) };
  }

  describeRule(input: RuleRef): RuleDescription {
    const rule = this.#rule(input.Name, input.EventBusName);
    return { ...describe(rule), CreatedBy: this.accountId };
  }

  listRules(input: ListRulesInput = {}): ListRulesOutput {
    const bus = this.#bus(input.EventBusName);
    const rules = [...bus.rules.values()]
      .filter((rule) => input.NamePrefix === undefined || rule.name.startsWith(input.NamePrefix))
      .sort((left, right) => left.name.localeCompare(right.name))
      .map(describe);
    const page = paginate(rules, input);
    return withNextToken({ Rules: page.items }, page.nextToken);
  }

  // -------------------------------------------------------------------------------------------
  // Targets

  putTargets(input: PutTargetsInput): TargetsChangeOutput {
    const rule = this.#rule(input.Rule, input.EventBusName);
    if (input.Targets.length < 1 || input.Targets.length > MAX_TARGETS_PER_CALL) {
      throw new ValidationException(
        `1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and ${MAX_TARGETS_PER_CALL}`,
      );
    }
    for (const target of input.Targets) throwIf(targetProblem(target), ValidationException);
    const ids = new Set([...rule.targets.keys(), ...input.Targets.map((target) => target.Id)]);
    if (ids.size > MAX_TARGETS_PER_RULE) {
      throw new LimitExceededException(
        "The requested resource exceeds the maximum number allowed.",
      );
    }
    for (const target of input.Targets) rule.targets.set(target.Id, structuredClone(target));
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  /** Ids the rule does not have are ignored, as AWS does. */
  removeTargets(input: RemoveTargetsInput): TargetsChangeOutput {
    const rule = this.#rule(input.Rule, input.EventBusName);
    for (const id of input.Ids) rule.targets.delete(id);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  listTargetsByRule(input: ListTargetsByRuleInput): ListTargetsByRuleOutput {
    const rule = this.#rule(input.Rule, input.EventBusName);
    const page = paginate([...rule.targets.values()], input);
    return withNextToken(
      { Targets: page.items.map((target) => structuredClone(target)) },
      page.nextToken,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Buses

  createEventBus(input: CreateEventBusInput): { EventBusArn: string } {
    throwIf(busNameProblem(input.Name), ValidationException);
    if (this.#buses.has(input.Name)) {
      throw new ResourceAlreadyExistsException(`Event bus ${input.Name} already exists.`);
    }
    return { EventBusArn: this.#addBus(input.Name, input.Description).arn };
  }

  describeEventBus(input: { Name?: string } = {}): EventBusDescription {
    return describeBus(this.#bus(input.Name));
  }

  listEventBuses(input: ListEventBusesInput = {}): ListEventBusesOutput {
    const buses = [...this.#buses.values()]
      .filter((bus) => input.NamePrefix === undefined || bus.name.startsWith(input.NamePrefix))
      .sort((left, right) => left.name.localeCompare(right.name))
      .map(describeBus);
    const page = paginate(buses, input);
    return withNextToken({ EventBuses: page.items }, page.nextToken);
  }

  #addBus(name: string, description?: string): BusRecord {
    const bus: BusRecord = {
      name,
      arn: this.eventBusArn(name),
      description,
      createdAt: this.#now(),
      rules: new Map(),
    };
    this.#buses.set(name, bus);
    return bus;
  }

  #bus(nameOrArn: string | undefined): BusRecord {
    const name = busNameOf(nameOrArn);
    const bus = this.#buses.get(name);
    if (!bus) throw new ResourceNotFoundException(`Event bus ${name} does not exist.`);
    return bus;
  }

  #rule(name: string, busNameOrArn: string | undefined): RuleRecord {
    const bus = this.#bus(busNameOrArn);
    const rule = bus.rules.get(name);
    if (!rule)
      throw new ResourceNotFoundException(`Rule ${name} does not exist on EventBus ${bus.name}.`);
    return rule;
  }
}

/** The fields TestEventPattern requires of its event. */
const TEST_EVENT_FIELDS = ["id", "account", "source", "time", "region", "resources", "detail-type"];

/** The bus name in a name or an event-bus ARN; the default bus when absent. */
export function busNameOf(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined || nameOrArn === "") return DEFAULT_BUS;
  const arn = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return arn?.[1] ?? nameOrArn;
}

function parsePattern(text: string): unknown {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch (cause) {
    throw new InvalidEventPatternException(
      "Event pattern is not valid. Reason: it is not valid JSON.",
      {
        cause,
      },
    );
  }
  const problems = validatePattern(pattern);
  if (problems.length > 0) {
    throw new InvalidEventPatternException(
      `Event pattern is not valid. Reason: ${problems.join("; ")}`,
    );
  }
  return pattern;
}

function describe(rule: RuleRecord): Omit<RuleDescription, "CreatedBy"> {
  return dropUndefined({
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.eventPattern,
    ScheduleExpression: rule.scheduleExpression,
    State: rule.state,
    Description: rule.description,
    RoleArn: rule.roleArn,
    EventBusName: rule.busName,
  });
}

function describeBus(bus: BusRecord): EventBusDescription {
  return dropUndefined({
    Name: bus.name,
    Arn: bus.arn,
    Description: bus.description,
    CreationTime: bus.createdAt,
    LastModifiedTime: bus.createdAt,
  });
}

function withNextToken<T extends object>(
  output: T,
  nextToken: string | undefined,
): T & { NextToken?: string } {
  return nextToken === undefined ? output : { ...output, NextToken: nextToken };
}

/** Drops absent members so responses carry only what is set, as AWS responses do. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, member]) => member !== undefined),
  ) as T;
}

function throwIf(problem: string | undefined, Fault: new (message: string) => Error): void {
  if (problem !== undefined) throw new Fault(problem);
}
