import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import {
  closeTestStack,
  openTestStack,
  outcomeEvents,
  record,
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

describe("an instance type newer than irflow's list, on the local stack", () => {
  it("validates with a warning, runs, and is benchmarked from an estimated catalog entry that says so", async () => {
    // Prepare
    const spec = sample("default-unlisted-instance-type.json", "unlisted-type");
    const validated = validateSpec(spec);
    if (!validated.valid) throw new Error("the sample is invalid");

    // Act
    const execution = await runWorkflow(stack, clients, spec, "unlisted-type");

    // Assess
    expect(validated.warnings.map((warning) => warning.rule)).toEqual(["unlisted-instance-type"]);
    expect(execution.status).toBe("SUCCEEDED");
    const job = await record(clients, validated.jobName);
    const entries = [
      ...(job.decision?.ranked ?? []),
      ...(job.decision?.rejected ?? []).map((rejection) => rejection.entry),
    ];
    const g7e = entries.find((item) => item.instanceType === "ml.g7e.2xlarge");
    expect(g7e?.recommendationId).toMatch(/-estimated$/);
    expect(g7e?.costPerHour).toBeGreaterThan(0);
    expect(outcomeEvents(stack, validated.jobName)).toHaveLength(1);
  });
});
