/**
 * Each fault of the local stack reaches the handlers' own SDK clients: the handlers find the
 * services through the stack's endpoints, and the faults sit on those endpoints. The test's own
 * clients read DynamoDB behind the proxy and the bus in process, so they meet none.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ListInferenceRecommendationsJobsCommand } from "@aws-sdk/client-sagemaker";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseFaultsFile } from "../../cli/local.ts";
import { LOCAL_TABLE, type LocalStack, startLocalStack } from "../../local/stack.ts";
import type { HistoryEvent } from "../../local/stepfunctions/history.ts";
import { jobNameOf } from "../support/specs.ts";
import {
  closeTestStack,
  openTestStack,
  outcomeEvents,
  runWorkflow,
  type StackClients,
  sample,
} from "../support/stack.ts";

let stack: LocalStack;
let clients: StackClients;

beforeAll(async () => {
  ({ stack, clients } = await openTestStack());
});

afterAll(() => closeTestStack(stack, clients));

beforeEach(() => {
  for (const faults of Object.values(stack.faults)) {
    faults.configure({});
    faults.resetCounts();
  }
});

function history(executionArn: string | undefined): HistoryEvent[] {
  if (!executionArn) throw new Error("the execution has no ARN");
  return stack.stepFunctions.getExecutionHistory({
    executionArn,
    includeExecutionData: false,
    maxResults: 1000,
  }).events;
}

/** The Lambda failures and successes of a history, in order, as `error` or "succeeded". */
function lambdaResults(events: HistoryEvent[]): string[] {
  return events.flatMap((event) => {
    if (event.type === "LambdaFunctionSucceeded") return ["succeeded"];
    const details = event.lambdaFunctionFailedEventDetails;
    return event.type === "LambdaFunctionFailed" ? [`${details?.error}: ${details?.cause}`] : [];
  });
}

describe("faults on the local stack reach the handlers", () => {
  it("throttles a handler's DynamoDB writes until its SDK gives up, and the state machine's retry gets through", async () => {
    // Prepare: every attempt the handlers' SDK makes (its default maxAttempts) is throttled.
    const probe = new DynamoDBClient({ region: "us-east-1" });
    const attempts = await probe.config.maxAttempts();
    probe.destroy();
    stack.faults.dynamodb.configure({ throttleRate: 1, limit: attempts });
    const spec = sample("default-model-package.json", "faults-dynamodb-throttle");

    // Act
    const execution = await runWorkflow(stack, clients, spec, "faults-dynamodb-throttle");

    // Assess
    expect(stack.faults.dynamodb.injected.throttled).toBe(attempts);
    expect(new Set(stack.faults.dynamodb.log().flatMap((fault) => fault.tables))).toEqual(
      new Set([LOCAL_TABLE]),
    );
    const results = lambdaResults(history(execution.executionArn));
    expect(results[0]).toMatch(/^TransientAwsError: .*ProvisionedThroughputExceededException/);
    expect(results[1]).toBe("succeeded");
  });

  it("carries out a handler's DynamoDB write and resets the connection before it hears the answer", async () => {
    // Prepare
    stack.faults.dynamodb.configure({
      lostResponseRate: 1,
      lostResponse: "connection-reset",
      limit: 1,
    });
    const spec = sample("default-model-package.json", "faults-dynamodb-lost");

    // Act
    const execution = await runWorkflow(stack, clients, spec, "faults-dynamodb-lost");

    // Assess
    const [lost, ...more] = stack.faults.dynamodb.log();
    expect(more).toEqual([]);
    expect(lost).toMatchObject({ kind: "lostResponse", tables: [LOCAL_TABLE] });
    expect(["PutItem", "UpdateItem", "DeleteItem"]).toContain(lost?.operation);
    expect(execution.status).not.toBe("RUNNING");
  });

  it("creates the job and loses the CreateInferenceRecommendationsJob answer to the handler", async () => {
    // Prepare
    const spec = sample("default-model-package.json", "faults-sagemaker-lost");
    const jobName = jobNameOf(spec);
    stack.faults.sagemaker.configure({
      jobs: [{ match: `^${jobName}$`, loseCreateResponse: true }],
    });

    // Act
    const execution = await runWorkflow(stack, clients, spec, "faults-sagemaker-lost");

    // Assess
    expect(stack.faults.sagemaker.lostCreateResponses()).toEqual([jobName]);
    const listed = await clients.sagemaker.send(
      new ListInferenceRecommendationsJobsCommand({ NameContains: jobName }),
    );
    expect(listed.InferenceRecommendationsJobs?.map((job) => job.JobName)).toEqual([jobName]);
    expect(execution.status).not.toBe("RUNNING");
  });

  it("puts the outcome event and loses the PutEvents answer, so the handler's SDK sends it again", async () => {
    // Prepare
    stack.faults.eventbridge.configure({ lostResponseRate: 1, limit: 1 });
    const spec = sample("default-model-package.json", "faults-eventbridge-lost");
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "faults-eventbridge-lost");

    // Assess
    expect(execution.status).not.toBe("RUNNING");
    const copies = outcomeEvents(stack, jobName);
    expect(copies).toHaveLength(2);
    expect(copies[1]?.detail).toEqual(copies[0]?.detail);
    expect(stack.faults.eventbridge.lostEventIds()).toEqual(new Set([copies[0]?.id]));
  });

  it("kills PublishOutcome's function after it published, and the retry runs it again", async () => {
    // Prepare
    stack.faults.lambda.configure({
      tasks: [{ state: "PublishOutcome", rate: 1, error: "Lambda.Unknown" }],
      limit: 1,
    });
    const spec = sample("default-model-package.json", "faults-lambda-unknown");
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "faults-lambda-unknown");

    // Assess
    expect(stack.faults.lambda.log()).toEqual([
      expect.objectContaining({
        execution: execution.executionArn,
        state: "PublishOutcome",
        error: "Lambda.Unknown",
        when: "after",
      }),
    ]);
    const events = history(execution.executionArn);
    const failedAt = events.findIndex(
      (event) => event.lambdaFunctionFailedEventDetails?.error === "Lambda.Unknown",
    );
    expect(failedAt).toBeGreaterThan(0);
    expect(events.slice(failedAt).map((event) => event.type)).toContain("LambdaFunctionSucceeded");
    expect(outcomeEvents(stack, jobName).length).toBeGreaterThanOrEqual(1);
  });
});

describe("limits on the local stack", () => {
  it("refuses an execution input over 256 KiB through the Step Functions API", async () => {
    // Prepare
    const input = JSON.stringify({ spec: {}, padding: "x".repeat(256 * 1024) });

    // Act
    const error = await clients.sfn
      .send(new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, input }))
      .catch((caught) => caught);

    // Assess
    expect(error).toMatchObject({
      name: "ValidationException",
      $metadata: { httpStatusCode: 400 },
    });
    expect(error.message).toContain("262144 bytes in UTF-8 encoding");
  });
});

describe("the stack's faults option and faults file", () => {
  it("starts a stack with each service's faults in force", async () => {
    // Prepare
    const faults = parseFaultsFile(
      {
        sagemaker: { throttleRate: 0.1 },
        eventbridge: { lostResponseRate: 0.2 },
        dynamodb: { operations: { UpdateItem: { lostResponseRate: 0.3 } } },
        lambda: { tasks: [{ state: "CreateJob", rate: 0.4, error: "Sandbox.Timedout" }] },
      },
      "faults.json",
    );

    // Act
    const faulty = await startLocalStack({ timeScale: 3000, logLevel: "ERROR", faults });
    const settings = {
      sagemaker: faulty.faults.sagemaker.settings.throttleRate,
      eventbridge: faulty.faults.eventbridge.settings.lostResponseRate,
      dynamodb: faulty.faults.dynamodb.settings.operations.UpdateItem?.lostResponseRate,
      lambda: faulty.faults.lambda.settings.tasks[0]?.rate,
    };
    await faulty.close();

    // Assess
    expect(settings).toEqual({ sagemaker: 0.1, eventbridge: 0.2, dynamodb: 0.3, lambda: 0.4 });
  });

  it("reads a file that names no service as the SageMaker faults, and names each field it refuses", () => {
    // Act
    const legacy = parseFaultsFile({ throttleRate: 0.5 }, "old.json");
    const refused = () =>
      parseFaultsFile(
        { dynamodb: { throttleRate: 2 }, lambda: { tasks: [{ rate: 1, when: "during" }] } },
        "bad.json",
      );

    // Assess
    expect(legacy).toEqual({ sagemaker: { throttleRate: 0.5 } });
    expect(refused).toThrow(/^the fault configuration bad\.json is invalid: /);
    expect(refused).toThrow(/dynamodb\.throttleRate: /);
    expect(refused).toThrow(/lambda\.tasks\.0\.when: /);
  });
});
