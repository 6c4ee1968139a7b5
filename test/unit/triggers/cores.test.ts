import {
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { ScheduleTargetError, TransientAwsError } from "../../../src/errors.ts";
import { parseTriggerConfig } from "../../../src/triggers/config.ts";
import { onModelPackageStateChange } from "../../../src/triggers/registry.ts";
import { onScheduleTick } from "../../../src/triggers/schedule.ts";
import type { TriggerDeps } from "../../../src/triggers/start.ts";
import { sampleSpec } from "../../support/specs.ts";

const sagemaker = mockClient(SageMakerClient);
const sfn = mockClient(SFNClient);
const ROLE = "arn:aws:iam::111122223333:role/irflow-sagemaker";
const STATE_MACHINE = "arn:aws:states:us-east-1:111122223333:stateMachine:irflow";
const PACKAGE = "arn:aws:sagemaker:us-east-1:111122223333:model-package/churn-xgboost/4";

const deps: TriggerDeps = {
  sagemaker: new SageMakerClient({ region: "us-east-1" }),
  sfn: new SFNClient({ region: "us-east-1" }),
  stateMachineArn: STATE_MACHINE,
  config: parseTriggerConfig({
    roleArn: ROLE,
    groups: { "churn-xgboost": { job: { JobDescription: "churn" } } },
    schedule: {
      window: "daily",
      targets: [
        { group: "churn-xgboost" },
        { name: "bert", spec: sampleSpec("default-model-name.json") },
      ],
    },
  }),
};

function approval(status = "Approved", group = "churn-xgboost") {
  return {
    "detail-type": "SageMaker Model Package State Change" as const,
    resources: [PACKAGE],
    detail: {
      ModelPackageGroupName: group,
      ModelPackageArn: PACKAGE,
      ModelPackageVersion: 4,
      ModelApprovalStatus: status,
    },
  };
}

function described(overrides: Record<string, unknown> = {}) {
  return {
    ModelPackageArn: PACKAGE,
    ModelPackageGroupName: "churn-xgboost",
    ModelPackageVersion: 4,
    ModelApprovalStatus: "Approved",
    Domain: "MACHINE_LEARNING",
    Task: "CLASSIFICATION",
    SamplePayloadUrl: "s3://bucket/payload.tar.gz",
    InferenceSpecification: {
      Containers: [{ Image: "image", Framework: "XGBOOST" }],
      SupportedContentTypes: [],
      SupportedResponseMIMETypes: [],
    },
    ...overrides,
  } as never;
}

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: { httpStatusCode: status },
  });
}

beforeEach(() => {
  sagemaker.reset();
  sfn.reset();
});

describe("onModelPackageStateChange", () => {
  it("ignores versions that are not approved and groups that are not configured", async () => {
    // Act
    const results = [
      await onModelPackageStateChange(approval("Rejected"), deps),
      await onModelPackageStateChange(approval("PendingManualApproval"), deps),
      await onModelPackageStateChange(approval("Approved", "other-group"), deps),
    ];

    // Assess
    expect(results.map((result) => result.outcome)).toEqual([
      "not-approved",
      "not-approved",
      "group-not-configured",
    ]);
    expect(sagemaker.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it("starts an execution named after the package and the spec, with the spec and trigger", async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).resolves(described());
    sfn
      .on(StartExecutionCommand)
      .callsFake(() => ({ executionArn: "arn:execution", startDate: new Date() }));

    // Act
    const result = await onModelPackageStateChange(approval(), deps);

    // Assess
    expect(result).toMatchObject({
      outcome: "accepted",
      executionArn: "arn:execution",
      packageArn: PACKAGE,
    });
    const [call] = sfn.commandCalls(StartExecutionCommand);
    expect(call?.args[0].input.name).toMatch(/^registry-churn-xgboost-v4-[0-9a-f]{10}$/);
    expect(call?.args[0].input.stateMachineArn).toBe(STATE_MACHINE);
    expect(JSON.parse(call?.args[0].input.input ?? "{}")).toEqual({
      spec: {
        specVersion: 1,
        job: {
          JobType: "Default",
          RoleArn: ROLE,
          JobDescription: "churn",
          InputConfig: { ModelPackageVersionArn: PACKAGE },
        },
      },
      trigger: { type: "model-registry", detail: PACKAGE },
    });
  });

  it("gives the execution the configuration's tuning budget", async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).resolves(described());
    sfn
      .on(StartExecutionCommand)
      .callsFake(() => ({ executionArn: "arn:execution", startDate: new Date() }));
    const budgeted = { ...deps, config: { ...deps.config, tuningBudget: 120 } };

    // Act
    await onModelPackageStateChange(approval(), budgeted);

    // Assess
    const [call] = sfn.commandCalls(StartExecutionCommand);
    expect(JSON.parse(call?.args[0].input.input ?? "{}").budget).toEqual({ dollars: 120 });
  });

  it("passes what the package lacks on as precheck errors", async () => {
    // Prepare
    sagemaker
      .on(DescribeModelPackageCommand)
      .resolves(described({ Domain: undefined, Task: undefined }));
    sfn
      .on(StartExecutionCommand)
      .callsFake(() => ({ executionArn: "arn:execution", startDate: new Date() }));

    // Act
    await onModelPackageStateChange(approval(), deps);

    // Assess
    const input = JSON.parse(
      sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? "{}",
    );
    expect(input.precheckErrors.map((issue: { path: string }) => issue.path)).toEqual([
      "ModelPackage.Domain",
      "ModelPackage.Task",
    ]);
  });

  it("starts an execution that rejects a package it cannot read, naming the package and why", async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).rejects(awsError("ValidationException", 400));
    sfn
      .on(StartExecutionCommand)
      .callsFake(() => ({ executionArn: "arn:execution", startDate: new Date() }));

    // Act
    await onModelPackageStateChange(approval(), deps);

    // Assess
    const input = JSON.parse(
      sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? "{}",
    );
    expect(input.precheckErrors).toEqual([
      expect.objectContaining({
        path: "job.InputConfig.ModelPackageVersionArn",
        rule: "package-unreadable",
        message: expect.stringContaining(PACKAGE),
      }),
    ]);
    expect(input.precheckErrors[0].message).toContain("ValidationException");
  });

  it("adopts the execution of the same name and input once it has finished, with its ARN", async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).resolves(described());
    sfn.on(StartExecutionCommand).callsFake(() => ({ executionArn: "arn:first" }));
    const first = await onModelPackageStateChange(approval(), deps);
    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input;
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: "arn:first", status: "SUCCEEDED", input });

    // Act
    const repeated = await onModelPackageStateChange(approval(), deps);

    // Assess
    expect(first).toMatchObject({ outcome: "accepted", executionArn: "arn:first" });
    expect(repeated).toEqual({
      outcome: "already-started",
      executionName: first.executionName,
      executionArn: "arn:first",
      status: "SUCCEEDED",
      packageArn: PACKAGE,
    });
    expect(repeated.executionName).toMatch(/^registry-churn-xgboost-v4-/);
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input.executionArn).toBe(
      `${STATE_MACHINE.replace(":stateMachine:", ":execution:")}:${first.executionName}`,
    );
  });

  it("reports a conflict when the execution of that name ran with another input", async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).resolves(described());
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: "arn:other", status: "FAILED", input: '{"spec":{}}' });

    // Act
    const result = await onModelPackageStateChange(approval(), deps);

    // Assess
    expect(result).toMatchObject({
      outcome: "conflict",
      executionArn: "arn:other",
      status: "FAILED",
      packageArn: PACKAGE,
    });
  });

  it("starts nothing for a version no longer approved when the event arrives", async () => {
    // Prepare
    sagemaker
      .on(DescribeModelPackageCommand)
      .resolves(described({ ModelApprovalStatus: "Rejected" }));

    // Act
    const result = await onModelPackageStateChange(approval(), deps);

    // Assess
    expect(result).toMatchObject({ outcome: "not-approved" });
    expect(sfn.calls()).toHaveLength(0);
  });

  it("turns throttling and server errors into TransientAwsError", async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).resolves(described());
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(awsError("ThrottlingException", 400))
      .rejectsOnce(awsError("InternalServerError", 500));

    // Act
    const attempts = await Promise.allSettled([
      onModelPackageStateChange(approval(), deps),
      onModelPackageStateChange(approval(), deps),
    ]);

    // Assess
    for (const attempt of attempts) {
      expect(attempt.status).toBe("rejected");
      expect((attempt as PromiseRejectedResult).reason).toBeInstanceOf(TransientAwsError);
    }
  });
});

describe("onScheduleTick", () => {
  it("lists the newest approved version of a group and runs every target for the window", async () => {
    // Prepare
    sagemaker
      .on(ListModelPackagesCommand)
      .resolves({ ModelPackageSummaryList: [{ ModelPackageArn: PACKAGE }] } as never);
    sagemaker.on(DescribeModelPackageCommand).resolves(described());
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
      executionArn: `arn:${input.name}`,
      startDate: new Date(),
    }));

    // Act
    const result = await onScheduleTick({ time: "2026-11-23T06:00:00Z" }, deps);

    // Assess
    expect(result.window).toBe("2026-11-23");
    expect(
      result.targets.map((target) => [target.target, target.status, target.executionName]),
    ).toEqual([
      ["churn-xgboost", "accepted", "schedule-churn-xgboost-2026-11-23"],
      ["bert", "accepted", "schedule-bert-2026-11-23"],
    ]);
    expect(sagemaker.commandCalls(ListModelPackagesCommand)[0]?.args[0].input).toEqual({
      ModelPackageGroupName: "churn-xgboost",
      ModelApprovalStatus: "Approved",
      SortBy: "CreationTime",
      SortOrder: "Descending",
      MaxResults: 1,
    });
    const inputs = sfn
      .commandCalls(StartExecutionCommand)
      .map((call) => JSON.parse(call.args[0].input.input ?? "{}"));
    for (const input of inputs) {
      expect(input.spec.irflow.runKey).toBe("2026-11-23");
      expect(input.trigger).toEqual({ type: "schedule", detail: "2026-11-23" });
    }
    expect(inputs[0].spec.job.InputConfig.ModelPackageVersionArn).toBe(PACKAGE);
  });

  it("gives each execution its target's budget, else the configuration's", async () => {
    // Prepare
    sagemaker
      .on(ListModelPackagesCommand)
      .resolves({ ModelPackageSummaryList: [{ ModelPackageArn: PACKAGE }] } as never);
    sagemaker.on(DescribeModelPackageCommand).resolves(described());
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
      executionArn: `arn:${input.name}`,
      startDate: new Date(),
    }));
    const budgeted: TriggerDeps = {
      ...deps,
      config: parseTriggerConfig({
        roleArn: ROLE,
        tuningBudget: 300,
        groups: { "churn-xgboost": { job: { JobDescription: "churn" } } },
        schedule: {
          window: "daily",
          targets: [
            { group: "churn-xgboost" },
            { name: "bert", spec: sampleSpec("default-model-name.json"), tuningBudget: 20 },
          ],
        },
      }),
    };

    // Act
    await onScheduleTick({ time: "2026-11-23T06:00:00Z" }, budgeted);

    // Assess
    const budgets = sfn
      .commandCalls(StartExecutionCommand)
      .map((call) => JSON.parse(call.args[0].input.input ?? "{}").budget);
    expect(budgets).toEqual([{ dollars: 300 }, { dollars: 20 }]);
  });

  it("reports a target whose window already ran with its input, and one that ran with another", async () => {
    // Prepare
    sagemaker
      .on(ListModelPackagesCommand)
      .resolves({ ModelPackageSummaryList: [{ ModelPackageArn: PACKAGE }] } as never);
    sagemaker.on(DescribeModelPackageCommand).resolves(described());
    const requested = new Map<string, string | undefined>();
    sfn.on(StartExecutionCommand).callsFake((input: { name: string; input?: string }) => {
      requested.set(input.name, input.input);
      throw new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} });
    });
    sfn.on(DescribeExecutionCommand).callsFake(({ executionArn }: { executionArn: string }) => {
      const name = executionArn.split(":").at(-1) ?? "";
      const sameInput = name.startsWith("schedule-bert-");
      return {
        executionArn,
        status: "SUCCEEDED",
        input: sameInput ? requested.get(name) : '{"spec":{"specVersion":1}}',
      };
    });

    // Act
    const result = await onScheduleTick({ time: "2026-11-23T06:00:00Z" }, deps);

    // Assess
    expect(
      result.targets.map((target) => [target.target, target.status, target.executionStatus]),
    ).toEqual([
      ["churn-xgboost", "conflict", "SUCCEEDED"],
      ["bert", "already-started", "SUCCEEDED"],
    ]);
    expect(result.targets[1]?.executionArn).toBe(
      `${STATE_MACHINE.replace(":stateMachine:", ":execution:")}:schedule-bert-2026-11-23`,
    );
  });

  it("skips a group without an approved version", async () => {
    // Prepare
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [] });
    sfn
      .on(StartExecutionCommand)
      .callsFake(() => ({ executionArn: "arn:x", startDate: new Date() }));

    // Act
    const result = await onScheduleTick({ time: "2026-11-23T06:00:00Z" }, deps);

    // Assess
    expect(result.targets.map((target) => target.status)).toEqual(["skipped", "accepted"]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it("starts the other targets when one fails, then reports the failure", async () => {
    // Prepare
    sagemaker.on(ListModelPackagesCommand).rejects(awsError("ThrottlingException", 400));
    sfn
      .on(StartExecutionCommand)
      .callsFake(() => ({ executionArn: "arn:x", startDate: new Date() }));

    // Act
    const tick = onScheduleTick({ time: "2026-11-23T06:00:00Z" }, deps);

    // Assess
    const error = await tick.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ScheduleTargetError);
    expect((error as ScheduleTargetError).message).toContain("churn-xgboost: TransientAwsError");
    expect((error as ScheduleTargetError).summary).toMatchObject({
      targets: [{ status: "failed" }, { status: "accepted" }],
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });
});
