import {
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalStack,
  SCHEDULE_RULE,
  ScheduleDisabledError,
  startLocalStack,
} from "../../../../local/stack.ts";

const EVENT = {
  id: "1",
  account: "111122223333",
  source: "aws.sagemaker",
  time: "2026-11-23T06:00:00Z",
  region: "us-east-1",
  resources: [],
  "detail-type": "SageMaker Model Package State Change",
  detail: { ModelApprovalStatus: "Approved" },
};

describe("the local bus's rule state and pattern test, through the SDK", () => {
  let stack: LocalStack;
  let client: EventBridgeClient;

  beforeAll(async () => {
    stack = await startLocalStack({ logLevel: "ERROR" });
    client = new EventBridgeClient({
      endpoint: stack.endpoints.eventbridge,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
  });

  afterAll(async () => {
    client?.destroy();
    await stack?.close();
  });

  it("switches the schedule off with DisableRule and on again with EnableRule", async () => {
    // Act
    await client.send(new DisableRuleCommand({ Name: SCHEDULE_RULE }));
    const disabled = await client.send(new DescribeRuleCommand({ Name: SCHEDULE_RULE }));
    const tick = await stack.tickSchedule(new Date("2026-11-23T06:00:00Z")).catch((e) => e);
    await client.send(new EnableRuleCommand({ Name: SCHEDULE_RULE }));
    const enabled = await client.send(new DescribeRuleCommand({ Name: SCHEDULE_RULE }));
    const ticked = await stack.tickSchedule(new Date("2026-11-23T06:00:00Z"));

    // Assess
    expect(disabled.State).toBe("DISABLED");
    expect(tick).toBeInstanceOf(ScheduleDisabledError);
    expect(enabled.State).toBe("ENABLED");
    expect(ticked.window).toEqual(expect.any(String));
  });

  it("answers DisableRule for an unknown rule with ResourceNotFoundException", async () => {
    // Act
    const refused = await client
      .send(new DisableRuleCommand({ Name: "no-such-rule" }))
      .catch((error: unknown) => error);

    // Assess
    expect(refused).toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("tests an event against a pattern with TestEventPattern", async () => {
    // Prepare
    const pattern = JSON.stringify({ detail: { ModelApprovalStatus: ["Approved"] } });
    const other = JSON.stringify({ detail: { ModelApprovalStatus: ["Rejected"] } });

    // Act
    const match = await client.send(
      new TestEventPatternCommand({ EventPattern: pattern, Event: JSON.stringify(EVENT) }),
    );
    const noMatch = await client.send(
      new TestEventPatternCommand({ EventPattern: other, Event: JSON.stringify(EVENT) }),
    );
    const badEvent = await client
      .send(new TestEventPatternCommand({ EventPattern: pattern, Event: '{"detail":{}}' }))
      .catch((error: unknown) => error);
    const badPattern = await client
      .send(new TestEventPatternCommand({ EventPattern: '{"detail":"x"}', Event: "{}" }))
      .catch((error: unknown) => error);

    // Assess
    expect(match.Result).toBe(true);
    expect(noMatch.Result).toBe(false);
    expect(badEvent).toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining(
        "it lacks id, account, source, time, region, resources, detail-type",
      ),
    });
    expect(badPattern).toMatchObject({ name: "InvalidEventPatternException" });
  });
});
