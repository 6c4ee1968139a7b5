import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as errors from "../../../src/errors.ts";
import { JOB_NAME_TAKEN_FAILURE, VALIDATE_SPEC_STATE } from "../../../src/execution/record-name.ts";
import {
  functionPlaceholders,
  STATE_MACHINE_DEFINITION_PATH,
} from "../../../src/infrastructure.ts";
import { bindDefinition, WORKFLOW_FUNCTIONS } from "../../../src/workflow/functions.ts";
import { OUTCOMES } from "../../../src/workflow/record.ts";
import { WORKFLOW_STEPS } from "../../../src/workflow/steps/index.ts";

const ROOT = join(import.meta.dirname, "../../..");
const text = readFileSync(join(ROOT, STATE_MACHINE_DEFINITION_PATH), "utf8");
const bound = bindDefinition(
  text,
  (name) => `arn:aws:lambda:us-east-1:111122223333:function:irflow-${name}`,
);
const definition = JSON.parse(bound) as { StartAt: string; States: Record<string, State> };
const validateAsl = createRequire(import.meta.url)("asl-validator") as (
  definition: unknown,
  options: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errors: unknown[] };

interface Rule {
  ErrorEquals: string[];
  Next?: string;
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}
interface State {
  Type: string;
  Resource?: string;
  Retry?: Rule[];
  Catch?: Rule[];
  Next?: string;
  Default?: string;
  Choices?: { Next: string; Variable?: string; StringEquals?: string }[];
  SecondsPath?: string;
  Error?: string;
}

const tasks = Object.entries(definition.States).filter(([, state]) => state.Type === "Task");
const ERROR_CLASSES = new Set(
  Object.values(errors).flatMap((value) => (typeof value === "function" ? [value.name] : [])),
);
/**
 * The Retry policies the Tasks share, each known by the error it is for. Every Task's Retry list
 * is built from these, and each policy is written the same wherever it appears.
 */
const RETRY_POLICIES = {
  transient: errors.TransientAwsError.name,
  recordConflict: errors.RecordConflictError.name,
  eventPublish: errors.EventPublishError.name,
} as const;
type RetryPolicy = keyof typeof RETRY_POLICIES;

/** The one named policy a Retry rule is for, or undefined when it is for none or several. */
function policyOf(rule: Rule): RetryPolicy | undefined {
  const named = (Object.keys(RETRY_POLICIES) as RetryPolicy[]).filter((policy) =>
    rule.ErrorEquals.includes(RETRY_POLICIES[policy]),
  );
  return named.length === 1 ? named[0] : undefined;
}

const LAMBDA_ERRORS = [
  "Sandbox.Timedout",
  "States.Timeout",
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];

describe("statemachine/irflow.asl.json", () => {
  it("passes asl-validator once its function ARNs are bound", () => {
    // Act
    const result = validateAsl(structuredClone(definition), { checkPaths: true, checkArn: true });

    // Assess
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it("has a placeholder for every workflow function and no other", () => {
    // Act
    const placeholders = new Set(functionPlaceholders(text));

    // Assess
    expect(placeholders).toEqual(new Set(Object.keys(WORKFLOW_FUNCTIONS)));
  });

  it("has the code of a step for every workflow function the application declares, and no other", () => {
    // Assess
    expect(Object.keys(WORKFLOW_STEPS).sort()).toEqual(Object.keys(WORKFLOW_FUNCTIONS).sort());
    for (const [name, module] of Object.entries(WORKFLOW_FUNCTIONS)) {
      expect([name, existsSync(join(ROOT, module))]).toEqual([name, true]);
    }
  });

  it.each(tasks)(
    "retries transient and Lambda errors with backoff and jitter in %s",
    (_name, state) => {
      // Act
      const transient = state.Retry?.find((rule) => rule.ErrorEquals.includes("TransientAwsError"));

      // Assess
      expect(transient?.ErrorEquals).toEqual(expect.arrayContaining(LAMBDA_ERRORS));
      expect(transient?.JitterStrategy).toBe("FULL");
      expect(transient?.BackoffRate).toBeGreaterThan(1);
    },
  );

  it("writes each Retry policy identically in every Task that uses it", () => {
    // Prepare
    const rules = tasks.flatMap(([name, state]) =>
      (state.Retry ?? []).map((rule, index) => ({ at: `${name}.Retry[${index}]`, rule })),
    );

    // Act
    const unnamed = rules.filter(({ rule }) => !policyOf(rule)).map(({ at }) => at);
    const copiesOf = (policy: RetryPolicy) => rules.filter(({ rule }) => policyOf(rule) === policy);

    // Assess
    expect(unnamed).toEqual([]);
    for (const policy of Object.keys(RETRY_POLICIES) as RetryPolicy[]) {
      const [first, ...others] = copiesOf(policy);
      expect(first, `${policy} is used by no Task`).toBeDefined();
      expect(others).toEqual(others.map(({ at }) => ({ at, rule: first?.rule })));
    }
  });

  it("gives each Task the Retry policies its errors need", () => {
    // Act
    const policies = Object.fromEntries(
      tasks.map(([name, state]) => [name, (state.Retry ?? []).map(policyOf)]),
    );

    // Assess
    const shared: RetryPolicy[] = ["transient", "recordConflict"];
    expect(policies).toEqual({
      ValidateSpec: shared,
      AcquireSlot: shared,
      CreateJob: shared,
      ReturnToQueue: shared,
      DescribeJob: shared,
      SelectRecommendation: shared,
      DiagnoseFailure: shared,
      StopJobAtDeadline: shared,
      StopJobAfterError: shared,
      PublishOutcome: ["eventPublish", ...shared],
    });
  });

  it.each(tasks)("catches every error of %s into a failure path", (_name, state) => {
    // Act
    const catchAll = state.Catch?.find((rule) => rule.ErrorEquals.includes("States.ALL"));

    // Assess
    expect(catchAll?.Next).toBeDefined();
    expect(definition.States[catchAll?.Next ?? ""]).toBeDefined();
  });

  it("routes only on error names that irflow's code throws or AWS defines", () => {
    // Prepare
    const rules = tasks.flatMap(([, state]) => [...(state.Retry ?? []), ...(state.Catch ?? [])]);

    // Act
    const unknown = rules
      .flatMap((rule) => rule.ErrorEquals)
      .filter(
        (name) =>
          !ERROR_CLASSES.has(name) &&
          !name.startsWith("States.") &&
          !name.startsWith("Lambda.") &&
          name !== "Sandbox.Timedout",
      );

    // Assess
    expect(unknown).toEqual([]);
  });

  it("waits for the number of seconds the queue and describe steps computed", () => {
    // Act
    const waits = Object.values(definition.States)
      .filter((state) => state.Type === "Wait")
      .map(({ SecondsPath, Next }) => ({ SecondsPath, Next }));

    // Assess
    expect(waits).toEqual([
      { SecondsPath: "$.slot.waitSeconds", Next: "AcquireSlot" },
      { SecondsPath: "$.poll.waitSeconds", Next: "DescribeJob" },
    ]);
  });

  it("returns an execution refused for the account's quota to the queue instead of failing it", () => {
    // Act
    const refused = definition.States.CreateJob?.Catch?.find((rule) =>
      rule.ErrorEquals.includes(errors.AccountJobLimitError.name),
    );

    // Assess
    expect(refused?.Next).toBe("ReturnToQueue");
    expect(definition.States.CreateJob?.Catch?.[0]).toBe(refused);
    expect(definition.States.ReturnToQueue?.Next).toBe("SlotGranted");
  });

  it("starts with the state that decides the record's name, and names the taken-name failure as the clean-up reads it", () => {
    // Assess
    expect(definition.StartAt).toBe(VALIDATE_SPEC_STATE);
    expect(definition.States[VALIDATE_SPEC_STATE]?.Type).toBe("Task");
    const takenState = definition.States[VALIDATE_SPEC_STATE]?.Catch?.find((rule) =>
      rule.ErrorEquals.includes(errors.JobNameTakenError.name),
    )?.Next;
    expect(definition.States[takenState ?? ""]).toMatchObject({
      Type: "Fail",
      Error: JOB_NAME_TAKEN_FAILURE,
    });
  });

  it("reaches every state from the start", () => {
    // Prepare
    const reached = new Set<string>();
    const visit = (name: string) => {
      if (reached.has(name)) return;
      reached.add(name);
      const state = definition.States[name];
      const next = [
        state?.Next,
        state?.Default,
        ...(state?.Choices ?? []).map((choice) => choice.Next),
        ...(state?.Catch ?? []).map((rule) => rule.Next),
      ];
      for (const target of next) if (target) visit(target);
    };

    // Act
    visit(definition.StartAt);

    // Assess
    expect([...reached].sort()).toEqual(Object.keys(definition.States).sort());
  });

  it("ends each outcome in its own terminal state, the decisions in success", () => {
    // Prepare
    const route = definition.States.RouteOutcome;
    const terminalOf = (outcome: string) =>
      route?.Choices?.find(
        (choice) => choice.Variable === "$.published.outcome" && choice.StringEquals === outcome,
      )?.Next ?? route?.Default;

    // Act
    const ends = Object.fromEntries(
      OUTCOMES.map((outcome) => {
        const name = terminalOf(outcome) ?? "";
        return [outcome, `${name} ${definition.States[name]?.Type}`];
      }),
    );

    // Assess
    expect(ends).toEqual({
      selected: "Selected Succeed",
      unsatisfiable: "Unsatisfiable Succeed",
      measured: "Measured Succeed",
      failed: "JobFailed Fail",
      "timed-out": "JobTimedOut Fail",
      rejected: "SpecRejected Fail",
      "queue-timed-out": "QueueTimedOut Fail",
      "over-budget": "OverBudget Succeed",
    });
  });
});
