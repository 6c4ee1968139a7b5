import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as errors from "../../../src/errors.ts";
import {
  bindDefinition,
  DEFINITION_PATH,
  WORKFLOW_FUNCTIONS,
} from "../../../src/workflow/functions.ts";

const ROOT = join(import.meta.dirname, "../../..");
const text = readFileSync(join(ROOT, DEFINITION_PATH), "utf8");
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
  JitterStrategy?: string;
  BackoffRate?: number;
}
interface State {
  Type: string;
  Resource?: string;
  Retry?: Rule[];
  Catch?: Rule[];
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  SecondsPath?: string;
  Error?: string;
}

const tasks = Object.entries(definition.States).filter(([, state]) => state.Type === "Task");
const ERROR_CLASSES = new Set(
  Object.values(errors).flatMap((value) => (typeof value === "function" ? [value.name] : [])),
);
const LAMBDA_ERRORS = [
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
    const placeholders = new Set(
      [...text.matchAll(/\$\{([A-Za-z]+)FunctionArn\}/g)].map((match) => match[1]),
    );

    // Assess
    expect(placeholders).toEqual(new Set(Object.keys(WORKFLOW_FUNCTIONS)));
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
          !ERROR_CLASSES.has(name) && !name.startsWith("States.") && !name.startsWith("Lambda."),
      );

    // Assess
    expect(unknown).toEqual([]);
  });

  it("waits for the number of seconds the describe step computed", () => {
    // Act
    const waits = Object.values(definition.States).filter((state) => state.Type === "Wait");

    // Assess
    expect(waits).toEqual([
      { Type: "Wait", SecondsPath: "$.poll.waitSeconds", Next: "DescribeJob" },
    ]);
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
});
