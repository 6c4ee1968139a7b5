import { describe, expect, it } from "vitest";
import {
  type DeliveryContext,
  renderInputTemplate,
  targetInput,
  transformInput,
} from "../../../../local/eventbridge/input-transform.ts";
import { evaluateJsonPath, parseJsonPath } from "../../../../local/eventbridge/json-path.ts";
import type { EventEnvelope } from "../../../../local/eventbridge/types.ts";

const event: EventEnvelope = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING", count: 3, tags: { team: "ml" } },
};

const context: DeliveryContext = {
  ruleName: "on-state",
  ruleArn: "arn:aws:events:us-east-1:123456789012:rule/on-state",
  ingestionTime: "2015-11-11T21:29:55.123Z",
};

const pathsMap = {
  timestamp: "$.time",
  instance: "$.detail.instance-id",
  state: "$.detail.state",
  resource: "$.resources[0]",
  count: "$.detail.count",
  tags: "$.detail.tags",
  missing: "$.detail.nothing",
};

describe("transformInput", () => {
  it("inserts values as JSON outside quotes in a JSON template", () => {
    // Prepare
    const template =
      '{"timestamp": <timestamp>, "instance": <instance>, "state": [9, <state>, true], "Transformed": "Yes"}';

    // Act
    const output = transformInput(
      { InputPathsMap: pathsMap, InputTemplate: template },
      event,
      context,
    );

    // Assess
    expect(JSON.parse(output)).toEqual({
      timestamp: "2015-11-11T21:29:54Z",
      instance: "i-0123456789",
      state: [9, "RUNNING", true],
      Transformed: "Yes",
    });
  });

  it("inserts the text of values inside quotes in a JSON template", () => {
    // Prepare
    const template = '{"message": "<instance> is in state \\"<state>\\" with <count> and <tags>"}';

    // Act
    const output = transformInput(
      { InputPathsMap: pathsMap, InputTemplate: template },
      event,
      context,
    );

    // Assess
    expect(JSON.parse(output)).toEqual({
      message: 'i-0123456789 is in state "RUNNING" with 3 and {"team":"ml"}',
    });
  });

  it("fills a plain text template with raw values", () => {
    // Prepare
    const template = "<instance> is in state <state>";

    // Act
    const output = transformInput(
      { InputPathsMap: pathsMap, InputTemplate: template },
      event,
      context,
    );

    // Assess
    expect(output).toBe("i-0123456789 is in state RUNNING");
  });

  it("renders missing values as null outside quotes and empty inside quotes", () => {
    // Prepare
    const template = '{"bare": <missing>, "quoted": "[<missing>]"}';

    // Act
    const output = transformInput(
      { InputPathsMap: pathsMap, InputTemplate: template },
      event,
      context,
    );

    // Assess
    expect(JSON.parse(output)).toEqual({ bare: null, quoted: "[]" });
  });

  it("offers the predefined rule and event variables", () => {
    // Prepare
    const template =
      '{"rule": <aws.events.rule-name>, "arn": <aws.events.rule-arn>, "at": <aws.events.event.ingestion-time>, "event": <aws.events.event>, "full": <aws.events.event.json>}';

    // Act
    const output = transformInput({ InputTemplate: template }, event, context);

    // Assess
    const { detail: _detail, ...withoutDetail } = event;
    expect(JSON.parse(output)).toEqual({
      rule: "on-state",
      arn: context.ruleArn,
      at: context.ingestionTime,
      event: withoutDetail,
      full: event,
    });
  });

  it("escapes quotes and backslashes in values placed inside JSON strings", () => {
    // Prepare
    const variables = new Map<string, unknown>([["name", 'say "hi" \\ bye']]);

    // Act
    const output = renderInputTemplate('{"greeting": "<name>!"}', variables);

    // Assess
    expect(JSON.parse(output)).toEqual({ greeting: 'say "hi" \\ bye!' });
  });

  it("leaves undeclared placeholders as written", () => {
    // Prepare
    const variables = new Map<string, unknown>([["known", "x"]]);

    // Act
    const output = renderInputTemplate("<known> < <unknown>", variables);

    // Assess
    expect(output).toBe("x < <unknown>");
  });
});

describe("targetInput", () => {
  it("delivers the whole event without Input, InputPath or InputTransformer", () => {
    // Prepare
    const target = {};

    // Act
    const input = targetInput(target, event, context);

    // Assess
    expect(input).toEqual(event);
  });

  it("delivers constant Input as parsed JSON", () => {
    // Prepare
    const target = { Input: '{"fixed": [1, 2]}' };

    // Act
    const input = targetInput(target, event, context);

    // Assess
    expect(input).toEqual({ fixed: [1, 2] });
  });

  it("delivers the part of the event InputPath selects", () => {
    // Prepare
    const target = { InputPath: "$.detail.tags" };

    // Act
    const input = targetInput(target, event, context);

    // Assess
    expect(input).toEqual({ team: "ml" });
  });

  it("delivers a JSON transformer result parsed and a text result as a string", () => {
    // Prepare
    const jsonTarget = {
      InputTransformer: { InputPathsMap: pathsMap, InputTemplate: '{"s": <state>}' },
    };
    const textTarget = {
      InputTransformer: { InputPathsMap: pathsMap, InputTemplate: "state <state>" },
    };

    // Act
    const jsonInput = targetInput(jsonTarget, event, context);
    const textInput = targetInput(textTarget, event, context);

    // Assess
    expect(jsonInput).toEqual({ s: "RUNNING" });
    expect(textInput).toBe("state RUNNING");
  });
});

describe("JSON paths", () => {
  it.each([
    ["$", event],
    ["$.detail.instance-id", "i-0123456789"],
    ["$.resources[0]", event.resources[0]],
    ["$['detail']['state']", "RUNNING"],
    ["$.detail.*", ["i-0123456789", "RUNNING", 3, { team: "ml" }]],
    ["$.resources[*]", event.resources],
    ["$.detail.absent", undefined],
    ["$.resources[5]", undefined],
  ])("evaluates %s", (path, expected) => {
    // Prepare
    const document = event;

    // Act
    const value = evaluateJsonPath(document, path);

    // Assess
    expect(value).toEqual(expected);
  });

  it.each(["detail", "$..detail", "$.", "$[x]", "$.a[", ""])("rejects %j", (path) => {
    // Prepare
    const candidate = path;

    // Act
    const segments = parseJsonPath(candidate);

    // Assess
    expect(segments).toBeUndefined();
  });
});
