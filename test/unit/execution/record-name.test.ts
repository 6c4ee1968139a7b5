import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { recordNameOfExecution } from "../../../src/execution/record-name.ts";

const sfn = mockClient(SFNClient);
const client = new SFNClient({ region: "us-east-1" });
const execution = {
  executionArn: "arn:aws:states:us-east-1:111122223333:execution:irflow:run-1",
  name: "run-1",
};

/** The events of an execution's first states, numbered as Step Functions numbers them. */
function history(...events: Omit<HistoryEvent, "id" | "timestamp">[]): HistoryEvent[] {
  return events.map((event, index) => ({
    ...event,
    id: index + 1,
    timestamp: new Date(0),
  }));
}

// A spec whose name under today's rules is not the one ValidateSpec decided when it ran.
const started: Omit<HistoryEvent, "id" | "timestamp"> = {
  type: "ExecutionStarted",
  executionStartedEventDetails: {
    input: JSON.stringify({ spec: { specVersion: 1, job: { JobName: "named-today" } } }),
  },
};
const entered = (name: string): Omit<HistoryEvent, "id" | "timestamp"> => ({
  type: "TaskStateEntered",
  stateEnteredEventDetails: { name, input: "{}" },
});
const answered = (state: unknown): Omit<HistoryEvent, "id" | "timestamp"> => ({
  type: "LambdaFunctionSucceeded",
  lambdaFunctionSucceededEventDetails: { output: JSON.stringify(state) },
});

beforeEach(() => sfn.reset());

describe("recordNameOfExecution", () => {
  it("reads the name ValidateSpec returned, not one made from the input again", async () => {
    // Prepare
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: history(
        started,
        entered("ValidateSpec"),
        answered({ job: { valid: true, jobName: "named-at-validation" } }),
      ),
    });

    // Act
    const name = await recordNameOfExecution(client, execution);

    // Assess
    expect(name).toBe("named-at-validation");
  });

  it("reads a rejected spec's record name from the state's exit", async () => {
    // Prepare
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: history(started, entered("ValidateSpec"), {
        type: "TaskStateExited",
        stateExitedEventDetails: {
          name: "ValidateSpec",
          output: JSON.stringify({ job: { valid: false, jobName: "rejected-run-1" } }),
        },
      }),
    });

    // Act
    const name = await recordNameOfExecution(client, execution);

    // Assess
    expect(name).toBe("rejected-run-1");
  });

  it.each([
    [
      "ValidateSpec failed",
      history(
        started,
        entered("ValidateSpec"),
        { type: "LambdaFunctionFailed", lambdaFunctionFailedEventDetails: { error: "Boom" } },
        entered("ValidationFailed"),
      ),
    ],
    ["the execution was aborted first", history(started, { type: "ExecutionAborted" })],
    ["the input could not be read", history(started, { type: "ExecutionFailed" })],
  ])("names the record after the execution when %s", async (_case, events) => {
    // Prepare
    sfn.on(GetExecutionHistoryCommand).resolves({ events });

    // Act
    const name = await recordNameOfExecution(client, execution);

    // Assess
    expect(name).toBe("ended-run-1");
  });

  it("reads on to the next page while ValidateSpec's state is still open", async () => {
    // Prepare
    sfn
      .on(GetExecutionHistoryCommand, { nextToken: undefined })
      .resolves({ events: history(started, entered("ValidateSpec")), nextToken: "more" })
      .on(GetExecutionHistoryCommand, { nextToken: "more" })
      .resolves({ events: history(answered({ job: { jobName: "on-page-two" } })) });

    // Act
    const name = await recordNameOfExecution(client, execution);

    // Assess
    expect(name).toBe("on-page-two");
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(2);
  });
});
