import { describe, expect, it } from "vitest";
import { LocalEventBus, type TargetInvocation } from "../../../../local/eventbridge/bus.ts";
import {
  InvalidEventPatternException,
  LimitExceededException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ValidationException,
} from "../../../../local/eventbridge/errors.ts";
import type { PutEventsRequestEntry } from "../../../../local/eventbridge/types.ts";

const RECEIVED_AT = new Date("2024-05-01T12:00:00.987Z");
const HANDLER_ARN = "arn:aws:lambda:us-east-1:000000000000:function:record";

function newBus(): LocalEventBus {
  let counter = 0;
  return new LocalEventBus({
    now: () => RECEIVED_AT,
    newEventId: () => {
      counter += 1;
      return `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`;
    },
  });
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function entry(overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry {
  return {
    Source: "irflow.recommender",
    DetailType: "Job Completed",
    Detail: JSON.stringify({ jobName: "job-1", status: "COMPLETED" }),
    ...overrides,
  };
}

/** A bus with one rule on irflow.recommender events whose target records what it receives. */
function busWithRecordingTarget(target: Record<string, unknown> = {}) {
  const bus = newBus();
  const inputs: unknown[] = [];
  const invocations: TargetInvocation[] = [];
  bus.registerTargetHandler(HANDLER_ARN, (input, invocation) => {
    inputs.push(input);
    invocations.push(invocation);
  });
  bus.putRule({ Name: "on-job", EventPattern: JSON.stringify({ source: ["irflow.recommender"] }) });
  bus.putTargets({ Rule: "on-job", Targets: [{ Id: "record", Arn: HANDLER_ARN, ...target }] });
  return { bus, inputs, invocations };
}

describe("LocalEventBus events", () => {
  it("records an accepted event with the envelope AWS delivers", () => {
    // Prepare
    const bus = newBus();

    // Act
    const output = bus.putEvents({
      Entries: [entry({ Resources: ["arn:aws:sagemaker:job/job-1"] })],
    });

    // Assess
    expect(output).toEqual({
      FailedEntryCount: 0,
      Entries: [{ EventId: "00000000-0000-4000-8000-000000000001" }],
    });
    expect(bus.received()).toEqual([
      {
        version: "0",
        id: "00000000-0000-4000-8000-000000000001",
        "detail-type": "Job Completed",
        source: "irflow.recommender",
        account: "000000000000",
        time: "2024-05-01T12:00:00Z",
        region: "us-east-1",
        resources: ["arn:aws:sagemaker:job/job-1"],
        detail: { jobName: "job-1", status: "COMPLETED" },
      },
    ]);
  });

  it("uses the entry's Time and the configured account and region", () => {
    // Prepare
    const bus = new LocalEventBus({ accountId: "123456789012", region: "eu-west-1" });

    // Act
    bus.putEvents({ Entries: [entry({ Time: new Date("2023-01-02T03:04:05.678Z") })] });

    // Assess
    const [event] = bus.received();
    expect(event?.time).toBe("2023-01-02T03:04:05Z");
    expect(event?.account).toBe("123456789012");
    expect(event?.region).toBe("eu-west-1");
    expect(event?.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("reports each invalid entry as AWS does and accepts the rest", () => {
    // Prepare
    const bus = newBus();
    const entries = [
      entry({ Source: undefined }),
      entry({ DetailType: undefined }),
      entry({ Detail: undefined }),
      entry({ Detail: "{not json" }),
      entry({ Detail: "[1, 2]" }),
      entry({ Source: "aws.sagemaker" }),
      entry({ EventBusName: "missing-bus" }),
      entry(),
    ];

    // Act
    const output = bus.putEvents({ Entries: entries });

    // Assess
    expect(output.FailedEntryCount).toBe(7);
    expect(
      output.Entries.map((result) => ("ErrorCode" in result ? result.ErrorCode : "ok")),
    ).toEqual([
      "InvalidArgument",
      "InvalidArgument",
      "InvalidArgument",
      "MalformedDetail",
      "MalformedDetail",
      "NotAuthorizedForSourceException",
      "ResourceNotFoundException",
      "ok",
    ]);
    expect(output.Entries[0]).toEqual({
      ErrorCode: "InvalidArgument",
      ErrorMessage: "Parameter Source is not valid. Reason: Source is a required argument.",
    });
    expect(bus.received()).toHaveLength(1);
  });

  it("rejects more than 10 entries in one call", () => {
    // Prepare
    const bus = newBus();
    const entries = Array.from({ length: 11 }, () => entry());

    // Act
    const call = () => bus.putEvents({ Entries: entries });

    // Assess
    expect(call).toThrow(ValidationException);
    expect(bus.received()).toHaveLength(0);
  });

  it("rejects a call whose entries total 256 KB", () => {
    // Prepare
    const bus = newBus();
    const detail = JSON.stringify({ blob: "x".repeat(130 * 1024) });

    // Act
    const call = () =>
      bus.putEvents({ Entries: [entry({ Detail: detail }), entry({ Detail: detail })] });

    // Assess
    expect(call).toThrow("Total size of the entries in the request is over the limit.");
  });

  it("routes to a custom bus named by name or by ARN", () => {
    // Prepare
    const bus = newBus();
    const { EventBusArn } = bus.createEventBus({ Name: "irflow" });

    // Act
    bus.putEvents({
      Entries: [entry({ EventBusName: "irflow" }), entry({ EventBusName: EventBusArn })],
    });
    bus.putEvents({ Entries: [entry()] });

    // Assess
    expect(EventBusArn).toBe("arn:aws:events:us-east-1:000000000000:event-bus/irflow");
    expect(bus.received({ busName: "irflow" })).toHaveLength(2);
    expect(bus.received({ busName: EventBusArn })).toHaveLength(2);
    expect(bus.received({ busName: "default" })).toHaveLength(1);
  });

  it("filters received events by detail type and source, in arrival order", () => {
    // Prepare
    const bus = newBus();
    bus.putEvents({
      Entries: [
        entry({ DetailType: "A", Detail: '{"n":1}' }),
        entry({ DetailType: "B", Detail: '{"n":2}' }),
        entry({ DetailType: "A", Source: "irflow.other", Detail: '{"n":3}' }),
        entry({ DetailType: "A", Detail: '{"n":4}' }),
      ],
    });

    // Act
    const typeA = bus.received({ detailType: "A" });
    const typeAFromRecommender = bus.received({ detailType: "A", source: "irflow.recommender" });

    // Assess
    expect(typeA.map((event) => event.detail.n)).toEqual([1, 3, 4]);
    expect(typeAFromRecommender.map((event) => event.detail.n)).toEqual([1, 4]);
  });

  it("accepts aws sources from putServiceEvent", () => {
    // Prepare
    const bus = newBus();

    // Act
    const result = bus.putServiceEvent(entry({ Source: "aws.sagemaker" }));

    // Assess
    expect(result).toEqual({ EventId: "00000000-0000-4000-8000-000000000001" });
    expect(bus.received({ source: "aws.sagemaker" })).toHaveLength(1);
  });
});

describe("LocalEventBus delivery", () => {
  it("delivers matching events to the registered handler after PutEvents returns", async () => {
    // Prepare
    const { bus, inputs, invocations } = busWithRecordingTarget();

    // Act
    bus.putEvents({ Entries: [entry(), entry({ Source: "irflow.other" })] });
    const deliveredBeforeSettling = inputs.length;
    await bus.settled();

    // Assess
    expect(deliveredBeforeSettling).toBe(0);
    expect(inputs).toEqual([bus.received()[0]]);
    expect(invocations[0]).toMatchObject({
      ruleName: "on-job",
      ruleArn: "arn:aws:events:us-east-1:000000000000:rule/on-job",
      targetId: "record",
      targetArn: HANDLER_ARN,
      eventBusName: "default",
    });
    expect(bus.deliveries()).toEqual([
      expect.objectContaining({ ruleName: "on-job", targetId: "record", status: "delivered" }),
    ]);
  });

  it("does not deliver through a disabled rule until it is enabled again", async () => {
    // Prepare
    const { bus, inputs } = busWithRecordingTarget();
    const pattern = JSON.stringify({ source: ["irflow.recommender"] });
    bus.putRule({ Name: "on-job", EventPattern: pattern, State: "DISABLED" });

    // Act
    bus.putEvents({ Entries: [entry()] });
    await bus.settled();
    const whileDisabled = inputs.length;
    bus.putRule({ Name: "on-job", EventPattern: pattern, State: "ENABLED" });
    bus.putEvents({ Entries: [entry()] });
    await bus.settled();

    // Assess
    expect(whileDisabled).toBe(0);
    expect(inputs).toHaveLength(1);
  });

  it("delivers what an InputTransformer makes of the event", async () => {
    // Prepare
    const { bus, inputs } = busWithRecordingTarget({
      InputTransformer: {
        InputPathsMap: { job: "$.detail.jobName", status: "$.detail.status" },
        InputTemplate:
          '{"job": <job>, "summary": "<job> ended <status>", "rule": <aws.events.rule-name>}',
      },
    });

    // Act
    bus.putEvents({ Entries: [entry()] });
    await bus.settled();

    // Assess
    expect(inputs).toEqual([{ job: "job-1", summary: "job-1 ended COMPLETED", rule: "on-job" }]);
    expect(bus.deliveries()[0]?.input).toEqual(inputs[0]);
  });

  it("delivers the InputPath selection and constant Input", async () => {
    // Prepare
    const { bus, inputs } = busWithRecordingTarget({ InputPath: "$.detail" });
    const constantArn = "arn:aws:sqs:us-east-1:000000000000:constant";
    const constantInputs: unknown[] = [];
    bus.registerTargetHandler(constantArn, (input) => {
      constantInputs.push(input);
    });
    bus.putTargets({
      Rule: "on-job",
      Targets: [{ Id: "constant", Arn: constantArn, Input: '{"ping":true}' }],
    });

    // Act
    bus.putEvents({ Entries: [entry()] });
    await bus.settled();

    // Assess
    expect(inputs).toEqual([{ jobName: "job-1", status: "COMPLETED" }]);
    expect(constantInputs).toEqual([{ ping: true }]);
  });

  it("records a failing handler without failing PutEvents", async () => {
    // Prepare
    const bus = newBus();
    bus.registerTargetHandler(HANDLER_ARN, async () => {
      throw new Error("handler broke");
    });
    bus.putRule({
      Name: "on-job",
      EventPattern: JSON.stringify({ source: ["irflow.recommender"] }),
    });
    bus.putTargets({ Rule: "on-job", Targets: [{ Id: "broken", Arn: HANDLER_ARN }] });

    // Act
    const output = bus.putEvents({ Entries: [entry()] });
    await bus.settled();

    // Assess
    expect(output.FailedEntryCount).toBe(0);
    expect(bus.deliveries()).toEqual([
      expect.objectContaining({
        targetId: "broken",
        status: "failed",
        error: "Error: handler broke",
      }),
    ]);
  });

  it("records a delivery to an ARN without a handler as failed", async () => {
    // Prepare
    const bus = newBus();
    bus.putRule({
      Name: "on-job",
      EventPattern: JSON.stringify({ source: ["irflow.recommender"] }),
    });
    bus.putTargets({
      Rule: "on-job",
      Targets: [{ Id: "nobody", Arn: "arn:aws:sqs:us-east-1:0:nobody" }],
    });

    // Act
    bus.putEvents({ Entries: [entry()] });
    await bus.settled();

    // Assess
    const [delivery] = bus.deliveries();
    expect(delivery?.status).toBe("failed");
    expect(delivery?.error).toContain(
      "No target handler is registered for arn:aws:sqs:us-east-1:0:nobody",
    );
  });

  it("stops delivering to a handler once it is unregistered", async () => {
    // Prepare
    const bus = newBus();
    const inputs: unknown[] = [];
    const unregister = bus.registerTargetHandler(HANDLER_ARN, (input) => {
      inputs.push(input);
    });
    bus.putRule({
      Name: "on-job",
      EventPattern: JSON.stringify({ source: ["irflow.recommender"] }),
    });
    bus.putTargets({ Rule: "on-job", Targets: [{ Id: "record", Arn: HANDLER_ARN }] });

    // Act
    unregister();
    bus.putEvents({ Entries: [entry()] });
    await bus.settled();

    // Assess
    expect(inputs).toHaveLength(0);
    expect(bus.deliveries()[0]?.status).toBe("failed");
  });

  it("waits in settled for events that handlers publish in turn", async () => {
    // Prepare
    const bus = newBus();
    const followUpArn = "arn:aws:lambda:us-east-1:000000000000:function:follow-up";
    const seen: string[] = [];
    bus.registerTargetHandler(HANDLER_ARN, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      bus.putEvents({ Entries: [entry({ DetailType: "Follow Up" })] });
    });
    bus.registerTargetHandler(followUpArn, (input) => {
      seen.push((input as { "detail-type": string })["detail-type"]);
    });
    bus.putRule({
      Name: "first",
      EventPattern: JSON.stringify({ "detail-type": ["Job Completed"] }),
    });
    bus.putTargets({ Rule: "first", Targets: [{ Id: "t", Arn: HANDLER_ARN }] });
    bus.putRule({ Name: "second", EventPattern: JSON.stringify({ "detail-type": ["Follow Up"] }) });
    bus.putTargets({ Rule: "second", Targets: [{ Id: "t", Arn: followUpArn }] });

    // Act
    bus.putEvents({ Entries: [entry()] });
    await bus.settled();

    // Assess
    expect(seen).toEqual(["Follow Up"]);
    expect(bus.deliveries().map((delivery) => delivery.status)).toEqual(["delivered", "delivered"]);
  });
});

describe("LocalEventBus fault injection", () => {
  function putTenTimes(bus: LocalEventBus): string[] {
    return Array.from({ length: 10 }, () =>
      bus.putEvents({ Entries: Array.from({ length: 10 }, () => entry()) }),
    )
      .flatMap((output) => output.Entries)
      .map((result) => ("ErrorCode" in result ? result.ErrorCode : "ok"));
  }

  it("fails a seeded fraction of entries with InternalFailure and records only the rest", () => {
    // Prepare
    const bus = newBus();
    bus.injectFaults({ failEntryRate: 0.3, seed: "retry-test" });

    // Act
    const outcomes = putTenTimes(bus);

    // Assess
    const failures = outcomes.filter((outcome) => outcome === "InternalFailure").length;
    expect(failures).toBeGreaterThan(10);
    expect(failures).toBeLessThan(50);
    expect(outcomes.every((outcome) => outcome === "ok" || outcome === "InternalFailure")).toBe(
      true,
    );
    expect(bus.received()).toHaveLength(100 - failures);
  });

  it("fails the same entries for the same seed and call order", () => {
    // Prepare
    const first = newBus();
    const second = newBus();
    const third = newBus();
    first.injectFaults({ failEntryRate: 0.5, seed: "same" });
    second.injectFaults({ failEntryRate: 0.5, seed: "same" });
    third.injectFaults({ failEntryRate: 0.5, seed: "different" });

    // Act
    const firstOutcomes = putTenTimes(first);
    const secondOutcomes = putTenTimes(second);
    const thirdOutcomes = putTenTimes(third);

    // Assess
    expect(secondOutcomes).toEqual(firstOutcomes);
    expect(thirdOutcomes).not.toEqual(firstOutcomes);
  });

  it("counts injected failures in FailedEntryCount so a publisher can retry them", () => {
    // Prepare
    const bus = newBus();
    bus.injectFaults({ failEntryRate: 0.5, seed: "publisher" });
    let pending = Array.from({ length: 10 }, (_, index) =>
      entry({ Detail: JSON.stringify({ index }) }),
    );
    const reported: Array<{ counted: number; failed: number }> = [];

    // Act
    while (pending.length > 0 && reported.length < 20) {
      const output = bus.putEvents({ Entries: pending });
      const failed = pending.filter((_, index) => {
        const result = output.Entries[index];
        return result !== undefined && "ErrorCode" in result;
      });
      reported.push({ counted: output.FailedEntryCount, failed: failed.length });
      pending = failed;
    }

    // Assess
    expect(pending).toHaveLength(0);
    expect(reported.length).toBeGreaterThan(1);
    expect(reported.every(({ counted, failed }) => counted === failed)).toBe(true);
    const indexes = bus.received().map((event) => event.detail.index);
    expect([...indexes].sort((left, right) => Number(left) - Number(right))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it("fails every entry at rate 1 and none after faults are reset to 0", () => {
    // Prepare
    const bus = newBus();

    // Act
    bus.injectFaults({ failEntryRate: 1 });
    const allFailed = bus.putEvents({ Entries: [entry(), entry()] });
    bus.injectFaults({ failEntryRate: 0 });
    const noneFailed = bus.putEvents({ Entries: [entry(), entry()] });

    // Assess
    expect(allFailed.FailedEntryCount).toBe(2);
    expect(allFailed.Entries[0]).toEqual({
      ErrorCode: "InternalFailure",
      ErrorMessage: "Internal Service Failure",
    });
    expect(noneFailed.FailedEntryCount).toBe(0);
  });

  it("refuses a rate outside 0..1", () => {
    // Prepare
    const bus = newBus();

    // Act
    const inject = () => bus.injectFaults({ failEntryRate: 1.5 });

    // Assess
    expect(inject).toThrow(RangeError);
  });
});

describe("LocalEventBus rules, targets and buses", () => {
  it("describes a rule as PutRule stored it", () => {
    // Prepare
    const bus = newBus();
    bus.createEventBus({ Name: "irflow" });
    const pattern = JSON.stringify({ source: ["irflow.recommender"] });

    // Act
    const { RuleArn } = bus.putRule({
      Name: "on-job",
      EventBusName: "irflow",
      EventPattern: pattern,
      Description: "Job outcomes",
    });
    const description = bus.describeRule({ Name: "on-job", EventBusName: "irflow" });

    // Assess
    expect(RuleArn).toBe("arn:aws:events:us-east-1:000000000000:rule/irflow/on-job");
    expect(description).toEqual({
      Name: "on-job",
      Arn: RuleArn,
      EventPattern: pattern,
      State: "ENABLED",
      Description: "Job outcomes",
      EventBusName: "irflow",
      CreatedBy: "000000000000",
    });
  });

  it("rejects an invalid event pattern with InvalidEventPatternException", () => {
    // Prepare
    const bus = newBus();

    // Act
    const put = () =>
      bus.putRule({ Name: "bad", EventPattern: JSON.stringify({ source: "not-a-list" }) });

    // Assess
    expect(put).toThrow(InvalidEventPatternException);
    expect(put).toThrow(
      "Event pattern is not valid. Reason: source: match value must be an array or an object",
    );
  });

  it("requires an EventPattern or a ScheduleExpression", () => {
    // Prepare
    const bus = newBus();

    // Act
    const put = () => bus.putRule({ Name: "empty" });

    // Assess
    expect(put).toThrow("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  });

  it("reports unknown rules and buses with ResourceNotFoundException", () => {
    // Prepare
    const bus = newBus();

    // Act
    const describeRule = () => bus.describeRule({ Name: "nope" });
    const listTargets = () => bus.listTargetsByRule({ Rule: "nope" });
    const putRuleOnMissingBus = () =>
      bus.putRule({ Name: "r", EventBusName: "missing", EventPattern: '{"source":["x"]}' });

    // Assess
    expect(describeRule).toThrow(ResourceNotFoundException);
    expect(describeRule).toThrow("Rule nope does not exist on EventBus default.");
    expect(listTargets).toThrow(ResourceNotFoundException);
    expect(putRuleOnMissingBus).toThrow("Event bus missing does not exist.");
  });

  it("refuses to delete a rule with targets until they are removed", () => {
    // Prepare
    const { bus } = busWithRecordingTarget();

    // Act
    const whileTargeted = thrownBy(() => bus.deleteRule({ Name: "on-job" }));
    bus.removeTargets({ Rule: "on-job", Ids: ["record"] });
    bus.deleteRule({ Name: "on-job" });

    // Assess
    expect(whileTargeted).toBeInstanceOf(ValidationException);
    expect(bus.listRules().Rules).toEqual([]);
  });

  it("lists rules by prefix in pages", () => {
    // Prepare
    const bus = newBus();
    for (const name of ["job-c", "job-a", "other", "job-b"]) {
      bus.putRule({ Name: name, EventPattern: '{"source":["x"]}' });
    }

    // Act
    const first = bus.listRules({ NamePrefix: "job-", Limit: 2 });
    const second = bus.listRules({ NamePrefix: "job-", Limit: 2, NextToken: first.NextToken });

    // Assess
    expect(first.Rules.map((rule) => rule.Name)).toEqual(["job-a", "job-b"]);
    expect(second.Rules.map((rule) => rule.Name)).toEqual(["job-c"]);
    expect(second.NextToken).toBeUndefined();
  });

  it("lists targets as given, updating one with the same Id", () => {
    // Prepare
    const { bus } = busWithRecordingTarget();

    // Act
    bus.putTargets({
      Rule: "on-job",
      Targets: [
        { Id: "record", Arn: HANDLER_ARN, Input: "{}", RetryPolicy: { MaximumRetryAttempts: 2 } },
      ],
    });
    const { Targets } = bus.listTargetsByRule({ Rule: "on-job" });

    // Assess
    expect(Targets).toEqual([
      { Id: "record", Arn: HANDLER_ARN, Input: "{}", RetryPolicy: { MaximumRetryAttempts: 2 } },
    ]);
  });

  it("refuses more than five targets on a rule", () => {
    // Prepare
    const bus = newBus();
    bus.putRule({ Name: "busy", EventPattern: '{"source":["x"]}' });
    const targets = Array.from({ length: 6 }, (_, index) => ({
      Id: `t${index}`,
      Arn: HANDLER_ARN,
    }));

    // Act
    const put = () => bus.putTargets({ Rule: "busy", Targets: targets });

    // Assess
    expect(put).toThrow(LimitExceededException);
  });

  it.each([
    ["two input kinds", { Id: "t", Arn: HANDLER_ARN, Input: "{}", InputPath: "$.detail" }],
    ["Input that is not JSON", { Id: "t", Arn: HANDLER_ARN, Input: "{nope" }],
    ["an invalid InputPath", { Id: "t", Arn: HANDLER_ARN, InputPath: "detail" }],
    ["an invalid target Id", { Id: "bad id!", Arn: HANDLER_ARN }],
    [
      "an invalid InputPathsMap path",
      {
        Id: "t",
        Arn: HANDLER_ARN,
        InputTransformer: { InputPathsMap: { a: "nope" }, InputTemplate: "<a>" },
      },
    ],
  ])("rejects a target with %s", (_description, target) => {
    // Prepare
    const bus = newBus();
    bus.putRule({ Name: "r", EventPattern: '{"source":["x"]}' });

    // Act
    const put = () => bus.putTargets({ Rule: "r", Targets: [target] });

    // Assess
    expect(put).toThrow(ValidationException);
  });

  it("creates, describes and lists buses, with default always present", () => {
    // Prepare
    const bus = newBus();

    // Act
    bus.createEventBus({ Name: "irflow", Description: "outcomes" });
    const duplicate = () => bus.createEventBus({ Name: "irflow" });
    const defaultBus = () => bus.createEventBus({ Name: "default" });
    const described = bus.describeEventBus({ Name: "irflow" });
    const listed = bus.listEventBuses();

    // Assess
    expect(duplicate).toThrow(ResourceAlreadyExistsException);
    expect(defaultBus).toThrow(ResourceAlreadyExistsException);
    expect(described).toMatchObject({
      Name: "irflow",
      Arn: "arn:aws:events:us-east-1:000000000000:event-bus/irflow",
      Description: "outcomes",
    });
    expect(listed.EventBuses.map((entry) => entry.Name)).toEqual(["default", "irflow"]);
    expect(bus.describeEventBus().Name).toBe("default");
  });
});
