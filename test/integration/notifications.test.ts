/**
 * The ops notifications on the local stack: the deployed rules (src/notification-rules.json) sit on
 * the local bus and deliver the transformed message the on-call team would receive.
 */
import { EventBridgeClient, ListRulesCommand } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_BUS, type LocalStack } from "../../local/stack.ts";
import { NOTIFICATION_RULES } from "../../src/infrastructure.ts";
import {
  closeTestStack,
  eventually,
  openTestStack,
  runWorkflow,
  type StackClients,
  sample,
} from "../support/stack.ts";

let stack: LocalStack;
let clients: StackClients;

beforeAll(async () => {
  ({ stack, clients } = await openTestStack({
    timeScale: 3000,
    logLevel: "ERROR",
    faults: { sagemaker: { jobs: [{ match: "-doomed$", fate: "fail" }] } },
  }));
});

afterAll(async () => {
  await closeTestStack(stack, clients);
});

describe("ops notifications on the local bus", () => {
  it("carries every deployed notification rule", async () => {
    // Prepare
    const eventbridge = new EventBridgeClient({
      endpoint: stack.endpoints.eventbridge,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });

    // Act
    const { Rules } = await eventbridge.send(
      new ListRulesCommand({ EventBusName: LOCAL_BUS, NamePrefix: `${LOCAL_BUS}-notify-` }),
    );
    eventbridge.destroy();

    // Assess
    expect(Rules?.map((rule) => [rule.Name, JSON.parse(rule.EventPattern ?? "null")])).toEqual(
      NOTIFICATION_RULES.map((rule) => [`${LOCAL_BUS}-${rule.name}`, rule.eventPattern]),
    );
  });

  it("tells the on-call team about a rejected spec, naming the job and the reason", async () => {
    // Prepare
    const spec = sample("advanced-phases.json", "notified");
    (spec.job as { InputConfig: { ResourceLimit: unknown } }).InputConfig.ResourceLimit = {
      MaxNumberOfTests: 2,
      MaxParallelOfTests: 5,
    };

    // Act
    const execution = await runWorkflow(stack, clients, spec, "notified-rejection");
    const messages = await eventually(async () => {
      const found = stack.notifications
        .messages()
        .filter((item) => item.message.includes("notified-rejection"));
      return found.length > 0 ? found : undefined;
    });

    // Assess
    expect(messages).toHaveLength(1);
    expect(messages[0]?.ruleName).toBe(`${LOCAL_BUS}-notify-problems`);
    expect(messages[0]?.message).toMatch(
      new RegExp(
        `^irflow: job rejected-notified-rejection for unknown ended rejected\\. Reason: the spec breaks 1 rule \\(first: parallel-tests at job\\.InputConfig\\.ResourceLimit\\.MaxParallelOfTests\\); no job was created\\. Execution: ${execution.executionArn}$`,
      ),
    );
  });

  it("tells the on-call team about a failed job, and sends nothing for one that meets its policy", async () => {
    // Prepare
    const failing = sample("default-model-name.json", "doomed");
    const passing = sample("default-model-name.json", "fine");

    // Act
    const failed = await runWorkflow(stack, clients, failing, "notified-failure");
    const selected = await runWorkflow(stack, clients, passing, "quiet-selection");
    const failure = await eventually(async () =>
      stack.notifications
        .messages()
        .find((item) => item.message.includes(failed.executionArn ?? "?")),
    );

    // Assess
    expect(failed.status).toBe("FAILED");
    expect(selected.status).toBe("SUCCEEDED");
    expect(failure.message).toContain("ended failed. Reason: ");
    expect(
      stack.notifications
        .messages()
        .filter((item) => item.message.includes(selected.executionArn ?? "?")),
    ).toEqual([]);
  });
});
