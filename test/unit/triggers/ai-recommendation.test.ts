import {
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.ts";
import { validateAiSpec } from "../../../src/kinds/ai-recommendation/validate.ts";
import type { AiGroupConfig } from "../../../src/triggers/ai-package-spec.ts";
import { parseTriggerConfig } from "../../../src/triggers/config.ts";
import type { PackageDescription } from "../../../src/triggers/group-defaults.ts";
import { buildPackageSpec } from "../../../src/triggers/package-spec.ts";
import { onModelPackageStateChange } from "../../../src/triggers/registry.ts";
import { onScheduleTick } from "../../../src/triggers/schedule.ts";
import type { TriggerDeps } from "../../../src/triggers/start.ts";
import { sampleSpec } from "../../support/specs.ts";

const sagemaker = mockClient(SageMakerClient);
const sfn = mockClient(SFNClient);
const ROLE = "arn:aws:iam::111122223333:role/irflow-sagemaker";
const STATE_MACHINE = "arn:aws:states:us-east-1:111122223333:stateMachine:irflow";
const PACKAGE = "arn:aws:sagemaker:us-east-1:111122223333:model-package/llama-3-8b-chat/3";
const ARTIFACTS = "s3://example-models/llm/llama-3-8b-chat/v3/";
const INLINE =
  "benchmark:\n  type: aiperf\nparameters:\n  prompt_input_tokens_mean: 550\n  output_tokens_mean: 150\n";

/** An ai-recommendation group as config/triggers.json would hold it. */
function aiGroup(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: "ai-recommendation",
    job: {
      OutputConfig: { S3OutputLocation: "s3://example-models/recommendations/" },
      PerformanceTarget: { Constraints: [{ Metric: "ttft-ms" }] },
      InferenceSpecification: { Framework: "LMI" },
      ComputeSpec: { InstanceTypes: ["ml.g6e.2xlarge", "ml.g5.12xlarge", "ml.g6.12xlarge"] },
      Tags: [{ Key: "team", Value: "assistants" }],
    },
    workload: { AIWorkloadConfigs: { WorkloadSpec: { Inline: INLINE } } },
    irflow: {
      deadlineSeconds: 10_800,
      policy: { requestsPerSecond: 10, maxTtftMs: 200, prices: { "ml.g6e.2xlarge": 2.24 } },
    },
    ...overrides,
  };
}

function config(groups: Record<string, unknown>, targets: unknown[] = []) {
  return { roleArn: ROLE, groups, schedule: { window: "daily", targets } };
}

function problemsOf(raw: unknown): string {
  try {
    parseTriggerConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
}

function parsedGroup(raw: Record<string, unknown>): AiGroupConfig {
  return parseTriggerConfig(config({ "llama-3-8b-chat": raw })).groups[
    "llama-3-8b-chat"
  ] as AiGroupConfig;
}

function described(container: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    ModelPackageArn: PACKAGE,
    ModelPackageGroupName: "llama-3-8b-chat",
    ModelPackageVersion: 3,
    ModelApprovalStatus: "Approved",
    InferenceSpecification: {
      Containers: [{ Image: "lmi-image", ...container }],
      SupportedContentTypes: [],
      SupportedResponseMIMETypes: [],
    },
    ...overrides,
  } as never;
}

const uncompressed = { ModelDataSource: { S3DataSource: { S3Uri: ARTIFACTS } } };

function approval() {
  return {
    "detail-type": "SageMaker Model Package State Change" as const,
    resources: [PACKAGE],
    detail: {
      ModelPackageGroupName: "llama-3-8b-chat",
      ModelPackageArn: PACKAGE,
      ModelPackageVersion: 3,
      ModelApprovalStatus: "Approved",
    },
  };
}

function startedInputs() {
  return sfn
    .commandCalls(StartExecutionCommand)
    .map((call) => JSON.parse(call.args[0].input.input ?? "{}"));
}

/** Every SageMaker call made is a read of a model package: nothing approves or changes one. */
function expectOnlyPackageReads(): void {
  const names = sagemaker.calls().map((call) => call.args[0].constructor.name);
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    expect(["DescribeModelPackageCommand", "ListModelPackagesCommand"]).toContain(name);
  }
}

beforeEach(() => {
  sagemaker.reset();
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `arn:${input.name}`,
    startDate: new Date(),
  }));
});

describe("an ai-recommendation group in the trigger configuration", () => {
  it("is accepted with an inline workload, or with an existing workload config instead", () => {
    // Prepare
    const named = aiGroup({ workload: undefined });
    (named.job as Record<string, unknown>).AIWorkloadConfigIdentifier = "llama-chat-workload";

    // Act
    const parsed = parseTriggerConfig(
      config({ "llama-3-8b-chat": aiGroup(), "llama-3-70b": named, "fraud-xgboost": {} }),
    );

    // Assess
    expect(parsed.groups["llama-3-8b-chat"]?.kind).toBe("ai-recommendation");
    expect(parsed.groups["llama-3-70b"]).toMatchObject({
      kind: "ai-recommendation",
      job: { AIWorkloadConfigIdentifier: "llama-chat-workload" },
    });
    expect(parsed.groups["fraud-xgboost"]).toEqual({ job: {} });
  });

  it("lists every problem with its field, for the kind's own rules", () => {
    // Prepare
    const tooMany = aiGroup({
      job: {
        ...(aiGroup().job as Record<string, unknown>),
        ComputeSpec: {
          InstanceTypes: ["ml.g5.xlarge", "ml.g5.2xlarge", "ml.g5.4xlarge", "ml.g5.8xlarge"],
        },
      },
    });
    const raw = config({
      "four-types": tooMany,
      "classic-policy": aiGroup({ irflow: { policy: { requestsPerMinute: 600 } } }),
      "fixed-names": aiGroup({
        job: { ...(aiGroup().job as Record<string, unknown>), RoleArn: ROLE },
        workload: { AIWorkloadConfigName: "fixed" },
      }),
      "no-target": aiGroup({ job: { OutputConfig: {} } }),
      "unknown-kind": { kind: "llm", job: {} },
    });

    // Act
    const message = problemsOf(raw);

    // Assess
    expect(message).toContain(
      "groups.four-types.job.ComputeSpec.InstanceTypes: must have at most 3 items",
    );
    expect(message).toContain(
      "groups.classic-policy.irflow.policy.requestsPerMinute: is not a field of this object",
    );
    expect(message).toContain("groups.fixed-names.job (RoleArn)");
    expect(message).toContain("groups.fixed-names.workload (AIWorkloadConfigName)");
    expect(message).toContain("groups.no-target.job.PerformanceTarget");
    expect(message).toContain(
      "groups.unknown-kind.kind: must be one of inference-recommendation, ai-recommendation",
    );
  });

  it("checks the workload as the spec it makes: one source, and a valid document", () => {
    // Prepare
    const both = aiGroup();
    (both.job as Record<string, unknown>).AIWorkloadConfigIdentifier = "other-workload";
    const raw = config({
      "two-workloads": both,
      "no-workload": aiGroup({ workload: undefined }),
      "bad-document": aiGroup({
        workload: {
          AIWorkloadConfigs: { WorkloadSpec: { Inline: "benchmark:\n  type: other\n" } },
        },
      }),
    });

    // Act
    const message = problemsOf(raw);

    // Assess
    expect(message).toContain(
      "groups.two-workloads.workload: is given, and job.AIWorkloadConfigIdentifier names another workload config",
    );
    expect(message).toContain("groups.no-workload.workload: is required unless");
    expect(message).toContain(
      'groups.bad-document.workload.AIWorkloadConfigs.WorkloadSpec.Inline.benchmark.type: must be "aiperf"',
    );
    expect(message).not.toContain("ModelSource");
  });

  it("checks a schedule target's policy by its kind: the group's, or its spec's", () => {
    // Prepare
    const raw = config({ "llama-3-8b-chat": aiGroup(), "fraud-xgboost": {} }, [
      { group: "llama-3-8b-chat", policy: { maxLatencyMs: 12 } },
      { group: "fraud-xgboost", policy: { maxTtftMs: 200 } },
      { name: "llama-spec", spec: sampleSpec("ai/llama-3-8b-chat.json"), policy: { bogus: 1 } },
      { group: "llama-3-8b-chat", name: "x" },
    ]);

    // Act
    const message = problemsOf(raw);

    // Assess
    expect(message).toContain("schedule.targets[2].policy.bogus: is not a field of this object");

    // Act: once the targets' own shapes are right, the group targets are checked too.
    const second = problemsOf(
      config({ "llama-3-8b-chat": aiGroup(), "fraud-xgboost": {} }, [
        { group: "llama-3-8b-chat", policy: { maxLatencyMs: 12 } },
        { group: "fraud-xgboost", policy: { maxTtftMs: 200 } },
        { name: "llama-min", policy: { minInstances: 4, maxInstances: 2 }, spec: aiSpec() },
      ]),
    );

    // Assess
    expect(second).toContain(
      "schedule.targets[0].policy.maxLatencyMs: is not a field of this object",
    );
    expect(second).toContain("schedule.targets[1].policy.maxTtftMs: is not a field of this object");
    expect(second).toContain("schedule.targets[2].policy.maxInstances");
  });

  it("accepts schedule targets of the kind, by group and by spec", () => {
    // Act
    const parsed = parseTriggerConfig(
      config({ "llama-3-8b-chat": aiGroup() }, [
        { group: "llama-3-8b-chat", policy: { maxTtftMs: 150 } },
        { name: "llama-spec", spec: aiSpec(), policy: { requestsPerSecond: 4 } },
      ]),
    );

    // Assess
    expect(parsed.schedule.targets.map((target) => target.kind)).toEqual(["group", "spec"]);
  });
});

/** The ai-recommendation sample, without its own policy. */
function aiSpec(): Record<string, unknown> {
  const spec = sampleSpec("ai/llama-3-8b-chat.json");
  return { ...spec, irflow: {} };
}

describe("the spec an ai-recommendation group builds from a package version", () => {
  const cases: [string, PackageDescription["InferenceSpecification"], string][] = [
    [
      "its uncompressed artifacts",
      { Containers: [{ ...uncompressed, ModelDataUrl: "s3://other/model.tar.gz" }] },
      ARTIFACTS,
    ],
    [
      "its ModelDataUrl",
      { Containers: [{ ModelDataUrl: "s3://example-models/llm/model.tar.gz" }] },
      "s3://example-models/llm/model.tar.gz",
    ],
  ];

  it.each(cases)("benchmarks %s, with the group's defaults, a valid spec", (_, spec, uri) => {
    // Act
    const built = buildPackageSpec(
      { ModelPackageArn: PACKAGE, InferenceSpecification: spec },
      parsedGroup(aiGroup()),
      ROLE,
    );

    // Assess
    expect(built.issues).toEqual([]);
    expect(built.spec).toMatchObject({
      specVersion: 1,
      kind: "ai-recommendation",
      job: {
        ModelSource: { S3: { S3Uri: uri } },
        RoleArn: ROLE,
        OutputConfig: { S3OutputLocation: "s3://example-models/recommendations/" },
        InferenceSpecification: { Framework: "LMI" },
        ComputeSpec: { InstanceTypes: ["ml.g6e.2xlarge", "ml.g5.12xlarge", "ml.g6.12xlarge"] },
      },
      workload: { AIWorkloadConfigs: { WorkloadSpec: { Inline: INLINE } } },
      irflow: {
        deadlineSeconds: 10_800,
        policy: { requestsPerSecond: 10, maxTtftMs: 200, latencyStat: "p90", minInstances: 1 },
      },
    });
    expect(validateAiSpec(built.spec).valid).toBe(true);
  });

  it("reports a package version without model artifacts in S3 as a precheck error", () => {
    // Act
    const without = [
      { ModelPackageArn: PACKAGE },
      { ModelPackageArn: PACKAGE, InferenceSpecification: { Containers: [{}] } },
      {
        ModelPackageArn: PACKAGE,
        InferenceSpecification: { Containers: [{ ModelDataUrl: "https://example.com/m.tar.gz" }] },
      },
    ].map((modelPackage) => buildPackageSpec(modelPackage, parsedGroup(aiGroup()), ROLE));

    // Assess
    for (const { issues } of without) {
      expect(issues).toEqual([
        {
          path: "ModelPackage.InferenceSpecification.Containers[0].ModelDataUrl",
          rule: "required",
          message: expect.stringContaining("has no model artifacts in S3"),
        },
      ]);
    }
    expect(without[2]?.issues[0]?.message).toContain("is not an s3:// URI");
  });
});

describe("the triggers for an ai-recommendation group", () => {
  const deps: TriggerDeps = {
    sagemaker: new SageMakerClient({ region: "us-east-1" }),
    sfn: new SFNClient({ region: "us-east-1" }),
    stateMachineArn: STATE_MACHINE,
    config: parseTriggerConfig(
      config({ "llama-3-8b-chat": aiGroup() }, [
        { group: "llama-3-8b-chat", policy: { maxTtftMs: 150 } },
        { name: "llama-spec", spec: aiSpec(), policy: { requestsPerSecond: 4 } },
      ]),
    ),
  };

  it("start an AI recommendation job for an approved version, only reading the package", async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).resolves(described(uncompressed));

    // Act
    const result = await onModelPackageStateChange(approval(), deps);

    // Assess
    expect(result).toMatchObject({ outcome: "accepted", packageArn: PACKAGE });
    expect(result.executionName).toMatch(/^registry-llama-3-8b-chat-v3-[0-9a-f]{10}$/);
    const [input] = startedInputs();
    expect(input.trigger).toEqual({ type: "model-registry", detail: PACKAGE });
    expect(input.precheckErrors).toBeUndefined();
    expect(input.spec.kind).toBe("ai-recommendation");
    expect(input.spec.job.ModelSource).toEqual({ S3: { S3Uri: ARTIFACTS } });
    expect(validateAiSpec(input.spec).valid).toBe(true);
    expectOnlyPackageReads();
  });

  it("pass a version without S3 artifacts on as a precheck error, for the workflow to reject", async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).resolves(described({}));

    // Act
    await onModelPackageStateChange(approval(), deps);

    // Assess
    const [input] = startedInputs();
    expect(input.spec.kind).toBe("ai-recommendation");
    expect(input.precheckErrors).toEqual([
      expect.objectContaining({
        path: "ModelPackage.InferenceSpecification.Containers[0].ModelDataUrl",
        rule: "required",
      }),
    ]);
    expectOnlyPackageReads();
  });

  it("name the model source of a package that cannot be read", async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).rejects(
      Object.assign(new Error("no such package"), {
        name: "ValidationException",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    // Act
    await onModelPackageStateChange(approval(), deps);

    // Assess
    const [input] = startedInputs();
    expect(input.precheckErrors).toEqual([
      expect.objectContaining({ path: "job.ModelSource.S3.S3Uri", rule: "package-unreadable" }),
    ]);
  });

  it("re-tune the group's newest approved version and an explicit AI spec on the schedule", async () => {
    // Prepare
    sagemaker
      .on(ListModelPackagesCommand)
      .resolves({ ModelPackageSummaryList: [{ ModelPackageArn: PACKAGE }] } as never);
    sagemaker.on(DescribeModelPackageCommand).resolves(described(uncompressed));

    // Act
    const tick = await onScheduleTick({ time: "2026-11-23T06:00:00Z" }, deps);

    // Assess
    expect(tick.targets.map((target) => [target.target, target.status])).toEqual([
      ["llama-3-8b-chat", "accepted"],
      ["llama-spec", "accepted"],
    ]);
    const [byGroup, bySpec] = startedInputs();
    expect(byGroup.spec).toMatchObject({
      kind: "ai-recommendation",
      job: { ModelSource: { S3: { S3Uri: ARTIFACTS } }, RoleArn: ROLE },
      irflow: { runKey: "2026-11-23", policy: { maxTtftMs: 150, requestsPerSecond: 10 } },
    });
    expect(bySpec.spec).toMatchObject({
      kind: "ai-recommendation",
      job: { RoleArn: ROLE },
      irflow: { runKey: "2026-11-23", policy: { requestsPerSecond: 4 } },
    });
    for (const input of [byGroup, bySpec]) expect(validateAiSpec(input.spec).valid).toBe(true);
    expectOnlyPackageReads();
  });
});
