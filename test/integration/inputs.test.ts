import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.ts";
import {
  closeTestStack,
  eventually,
  openTestStack,
  outcomeEvents,
  record,
  type StackClients,
} from "../support/stack.ts";

let stack: LocalStack;
let clients: StackClients;

beforeAll(async () => {
  ({ stack, clients } = await openTestStack());
});

afterAll(() => closeTestStack(stack, clients));

describe("execution inputs that are not a spec", () => {
  it.each([
    ["an empty object", {}, "spec"],
    ["an array", [], "(execution input)"],
    ["a string", "spec", "(execution input)"],
    ["an unknown trigger", { spec: {}, trigger: { type: "carrier-pigeon" } }, "trigger.type"],
    ["a malformed precheck list", { spec: {}, precheckErrors: "none" }, "precheckErrors"],
  ])(
    "ends %s with a rejected record and one event naming the field",
    async (_label, input, path) => {
      // Prepare
      const name = `odd-input-${String(_label).replaceAll(" ", "-")}`;
      const { executionArn } = await clients.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: stack.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );

      // Act
      const execution = await stack.stepFunctions.waitForExecution(executionArn ?? "", {
        timeoutMs: 20_000,
      });

      // Assess
      expect(execution.status).toBe("FAILED");
      expect(execution.error).toBe("SpecRejected");
      const rejected = await record(clients, `rejected-${name}`);
      expect(rejected.outcome).toBe("rejected");
      expect(rejected.failure?.errors?.map((issue) => issue.path)).toContain(path);
      expect(outcomeEvents(stack, `rejected-${name}`)).toHaveLength(1);
    },
  );

  it("still leaves a record, named after the execution, and one failed outcome for a null input, which no JSONPath state can read", async () => {
    // Prepare
    const { executionArn } = await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachineArn,
        name: "odd-input-null",
        input: "null",
      }),
    );

    // Act
    const execution = await stack.stepFunctions.waitForExecution(executionArn ?? "", {
      timeoutMs: 20_000,
    });

    // Assess
    expect(execution.status).toBe("FAILED");
    const ended = await eventually(async () => {
      const current = await clients.store.get("ended-odd-input-null");
      return current?.phase === "published" ? current : undefined;
    });
    expect(ended).toMatchObject({ outcome: "failed", status: "ABANDONED" });
    expect(outcomeEvents(stack, "ended-odd-input-null")).toHaveLength(1);
  });
});
