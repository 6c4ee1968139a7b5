import { readFileSync } from "node:fs";
import { join } from "node:path";
import type {
  GetExecutionHistoryCommandOutput,
  HistoryEvent,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { followExecution, type ProgressEvent, progressLines } from "../../../cli/progress.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/history");

/** Histories recorded from the local stack, with the spec left out of each state. */
function recorded(name: string): ProgressEvent[] {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as ProgressEvent[];
}

function exited(id: number, name: string, output: unknown): ProgressEvent {
  return {
    id,
    type: "TaskStateExited",
    stateExitedEventDetails: { name, output: JSON.stringify(output) },
  };
}

function entered(id: number, name: string, type = "TaskStateEntered"): ProgressEvent {
  return { id, type, stateEnteredEventDetails: { name } };
}

const job = {
  valid: true,
  jobName: "fraud-xgboost-v7-abc",
  jobType: "Default",
  deadlineSeconds: 7200,
};

describe("progressLines", () => {
  it("describes a selected job step by step from its recorded history", () => {
    // Prepare
    const events = recorded("default-selected");

    // Act
    const lines = progressLines(events);

    // Assess
    expect(lines[0]).toBe(
      "validated spec -> job fraud-xgboost-v7-5a708191dc (Default, deadline 2 h)",
    );
    expect(lines[1]).toBe(
      "created job arn:aws:sagemaker:us-east-1:111122223333:inference-recommendations-job/fraud-xgboost-v7-5a708191dc",
    );
    expect(lines[2]).toBe("polling (1): PENDING, next poll in 31 s");
    expect(lines.filter((line) => line.startsWith("polling ("))).toHaveLength(12);
    expect(lines.slice(-4)).toEqual([
      "job COMPLETED (poll 13)",
      "ranked the recommendations",
      "published the selected event 9750c87e-9dfc-4c83-874a-f7b7fcc5b546",
      "execution SUCCEEDED",
    ]);
  });

  it("names the kind of a job that is not classic, and says how the wait for a slot goes", () => {
    // Prepare
    const events = [
      exited(1, "ValidateSpec", {
        job: {
          valid: true,
          jobName: "llama-abc",
          kind: "ai-recommendation",
          deadlineSeconds: 14400,
        },
      }),
      exited(2, "AcquireSlot", { slot: { granted: false, waitSeconds: 120, position: 1 } }),
      exited(3, "AcquireSlot", { slot: { granted: true, waitSeconds: 0 } }),
      exited(4, "AcquireSlot", { slot: { granted: false, queueTimedOut: true, waitSeconds: 0 } }),
      exited(5, "AcquireSlot", { slot: { granted: false, overBudget: true, waitSeconds: 0 } }),
    ];

    // Act
    const lines = progressLines(events);

    // Assess
    expect(lines).toEqual([
      "validated spec -> job llama-abc (ai-recommendation, deadline 4 h)",
      "waiting for a job slot (position 2), next look in 120 s",
      "took a job slot",
      "no job slot came free within the queue deadline",
      "the job's cost estimate would go over the month's tuning budget; no job created",
    ]);
  });

  it("describes a failed job and the execution's error and cause", () => {
    // Prepare
    const events = recorded("job-failed");

    // Act
    const lines = progressLines(events);

    // Assess
    expect(lines.slice(-4)).toEqual([
      "job FAILED (poll 5)",
      "diagnosed the job's failure",
      "published the failed event 2d524200-1d35-4915-878d-f3015c2bbe93",
      "execution FAILED: JobFailed: The Inference Recommender job failed; see the outcome event and the job record.",
    ]);
  });

  it("gives the lines of a history's prefix as a prefix of its lines", () => {
    // Prepare
    const events = recorded("default-selected");
    const all = progressLines(events);

    // Act
    const prefixes = [10, 25, 50, 80].map((count) => progressLines(events.slice(0, count)));

    // Assess
    for (const lines of prefixes) expect(all.slice(0, lines.length)).toEqual(lines);
    expect(prefixes.map((lines) => lines.length)).toEqual(
      [...prefixes.map((lines) => lines.length)].sort((a, b) => a - b),
    );
  });

  it("reports a rejected spec with its error count", () => {
    // Prepare
    const events = [
      entered(2, "ValidateSpec"),
      exited(3, "ValidateSpec", { job: { valid: false, jobName: "rejected-x", errorCount: 3 } }),
      exited(7, "PublishOutcome", { published: { outcome: "rejected", eventId: "e-1" } }),
      {
        id: 11,
        type: "ExecutionFailed",
        executionFailedEventDetails: { error: "SpecRejected", cause: "The spec was rejected." },
      },
    ];

    // Act
    const lines = progressLines(events);

    // Assess
    expect(lines).toEqual([
      "rejected spec: 3 errors (record rejected-x)",
      "published the rejected event e-1",
      "execution FAILED: SpecRejected: The spec was rejected.",
    ]);
  });

  it("names the step a Lambda error came from and reads the message out of its cause", () => {
    // Prepare
    const cause = JSON.stringify({ errorType: "TransientAwsError", errorMessage: "throttled" });
    const events: ProgressEvent[] = [
      entered(2, "ValidateSpec"),
      exited(3, "ValidateSpec", { job }),
      entered(4, "CreateJob"),
      {
        id: 5,
        type: "LambdaFunctionFailed",
        lambdaFunctionFailedEventDetails: { error: "TransientAwsError", cause },
      },
      exited(6, "StopJobAfterError", { job, error: { Error: "JobRejectedError", Cause: cause } }),
    ];

    // Act
    const lines = progressLines(events);

    // Assess
    expect(lines.slice(1)).toEqual([
      "CreateJob failed: TransientAwsError: throttled",
      "JobRejectedError failed: throttled; the job is stopped if it ran",
    ]);
  });

  it("reports a passed deadline, a stopped job and an aborted execution", () => {
    // Prepare
    const events: ProgressEvent[] = [
      exited(9, "DescribeJob", {
        job,
        poll: { status: "IN_PROGRESS", waitSeconds: 0, deadlinePassed: true, pollCount: 20 },
      }),
      entered(10, "WaitForJob", "WaitStateEntered"),
      exited(12, "StopJobAtDeadline", { job, result: { outcome: "timed-out" } }),
      { id: 13, type: "ExecutionAborted", executionAbortedEventDetails: {} },
    ];

    // Act
    const lines = progressLines(events);

    // Assess
    expect(lines).toEqual([
      "polling (20): IN_PROGRESS, deadline passed",
      "deadline passed: stopped the job",
      "execution ABORTED",
    ]);
  });

  it("skips state outputs it cannot read instead of failing", () => {
    // Prepare
    const events: ProgressEvent[] = [
      { id: 3, type: "TaskStateExited", stateExitedEventDetails: { name: "DescribeJob" } },
      {
        id: 4,
        type: "TaskStateExited",
        stateExitedEventDetails: { name: "CreateJob", output: "{" },
      },
      { id: 5, type: "ExecutionSucceeded", executionSucceededEventDetails: {} } as ProgressEvent,
    ];

    // Act
    const lines = progressLines(events);

    // Assess
    expect(lines).toEqual(["created job", "execution SUCCEEDED"]);
  });
});

describe("followExecution", () => {
  /** A Step Functions client whose history grows by a slice of the recording on every poll. */
  function fakeSfn(events: HistoryEvent[], perPoll: number) {
    let visible = 0;
    const calls: string[] = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const name = command.constructor.name;
        calls.push(name);
        if (name === "DescribeExecutionCommand") {
          return { executionArn: command.input.executionArn, status: "SUCCEEDED" };
        }
        if (name === "GetExecutionHistoryCommand") {
          if (visible < events.length) visible = Math.min(events.length, visible + perPoll);
          const newestFirst = events.slice(0, visible).reverse();
          const offset = Number(command.input.nextToken ?? 0);
          const size = Number(command.input.maxResults ?? 100);
          const page: GetExecutionHistoryCommandOutput = {
            events: newestFirst.slice(offset, offset + size),
            $metadata: {},
            ...(offset + size < newestFirst.length ? { nextToken: String(offset + size) } : {}),
          };
          return page;
        }
        throw new Error(`unexpected ${name}`);
      },
    };
    return { client: client as unknown as SFNClient, calls };
  }

  it("prints every line once, in order, and returns the closed execution", async () => {
    // Prepare
    const events = recorded("default-selected") as HistoryEvent[];
    const { client, calls } = fakeSfn(events, 7);
    const printed: string[] = [];

    // Act
    const execution = await followExecution({
      sfn: client,
      executionArn: "arn:aws:states:us-east-1:111122223333:execution:irflow:x",
      onLine: (line) => printed.push(line),
      sleep: async () => undefined,
    });

    // Assess
    expect(printed).toEqual(progressLines(events));
    expect(execution.status).toBe("SUCCEEDED");
    expect(calls.filter((call) => call === "GetExecutionHistoryCommand").length).toBe(
      Math.ceil(events.length / 7),
    );
  });
});
