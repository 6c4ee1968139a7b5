/** The classic kind's selection asks AWS for its scaling recommendation, and survives its refusal. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DescribeInferenceRecommendationsJobCommand,
  GetScalingConfigurationRecommendationCommand,
  ListInferenceRecommendationsJobStepsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SageMakerGateway } from "../../../src/aws/sagemaker-gateway.ts";
import { parsePolicy, RECORD_LIMITS } from "../../../src/decision/index.ts";
import { inferenceRecommendationOperations } from "../../../src/kinds/inference-recommendation/operations.ts";
import type { JobSpec } from "../../../src/spec/schema.ts";
import { validatedRecord } from "../../support/records.ts";

const PROFILE = [...Array.from({ length: 20 }, () => 300), 3000, 3000, 3000, 3000];
const DESCRIBED = JSON.parse(
  readFileSync(
    join(import.meta.dirname, "../../fixtures/describe/aws-default-c5-xlarge.json"),
    "utf8",
  ),
) as { InferenceRecommendations: Record<string, unknown>[] };

function policyOf(input: object) {
  const parsed = parsePolicy(input);
  if (!parsed.ok) throw new Error("the test policy is invalid");
  return parsed.value;
}

const sagemaker = mockClient(SageMakerClient);
const deps = { sagemaker: new SageMakerGateway(new SageMakerClient({ region: "us-east-1" })) };

/** A record whose policy has the profile; the job's results with SageMaker's ids, or without. */
function prepare(withIds: boolean) {
  const record = validatedRecord("scaling-select");
  const spec = record.spec as JobSpec;
  const withPolicy = {
    ...record,
    spec: { ...spec, irflow: { policy: policyOf({ hourlyRequestsPerMinute: PROFILE }) } },
  };
  sagemaker.on(DescribeInferenceRecommendationsJobCommand).resolves({
    ...DESCRIBED,
    InferenceRecommendations: DESCRIBED.InferenceRecommendations.map((item, index) => ({
      ...item,
      ...(withIds ? { RecommendationId: `rec-${index + 1}` } : {}),
    })),
  } as never);
  sagemaker.on(ListInferenceRecommendationsJobStepsCommand).resolves({ Steps: [] });
  return withPolicy as typeof record;
}

beforeEach(() => {
  sagemaker.reset();
});

describe("AWS's scaling recommendation in the selection", () => {
  it("asks for the selected entry by its RecommendationId, with the profile's least and most", async () => {
    // Prepare
    const record = prepare(true);
    sagemaker.on(GetScalingConfigurationRecommendationCommand).resolves({
      DynamicScalingConfiguration: {
        MinCapacity: 1,
        MaxCapacity: 7,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });

    // Act
    const selection = await inferenceRecommendationOperations.select(record, deps);

    // Assess
    const selected = selection.recorded(RECORD_LIMITS).decision?.selected;
    const [call] = sagemaker.commandCalls(GetScalingConfigurationRecommendationCommand);
    expect(call?.args[0].input).toEqual({
      InferenceRecommendationsJobName: "scaling-select",
      RecommendationId: selected?.recommendationId,
      ScalingPolicyObjective: { MinInvocationsPerMinute: 300, MaxInvocationsPerMinute: 3000 },
    });
    expect(selection.awsScaling).toMatchObject({ minCapacity: 1, maxCapacity: 7 });
    expect(selection.awsScaling?.differences.map((item) => item.field)).toContain("maxCapacity");
  });

  it.each([
    ["ThrottlingException", "Rate exceeded"],
    ["ValidationException", "Job is not COMPLETED"],
    [
      "AccessDeniedException",
      "not authorized to perform: sagemaker:GetScalingConfigurationRecommendation",
    ],
  ])("turns a %s into a note and keeps the decision", async (name, message) => {
    // Prepare
    const record = prepare(true);
    sagemaker
      .on(GetScalingConfigurationRecommendationCommand)
      .rejects(Object.assign(new Error(message), { name, $metadata: {} }));

    // Act
    const selection = await inferenceRecommendationOperations.select(record, deps);

    // Assess
    expect(selection.outcome).toBe("selected");
    expect(selection.awsScaling).toBeUndefined();
    expect(selection.recorded(RECORD_LIMITS).decision?.notes).toContain(
      `AWS's scaling recommendation unavailable (${name}: ${message})`,
    );
  });

  it("does not ask for an entry SageMaker gave no RecommendationId, and says so", async () => {
    // Prepare
    const record = prepare(false);

    // Act
    const selection = await inferenceRecommendationOperations.select(record, deps);

    // Assess
    expect(sagemaker.commandCalls(GetScalingConfigurationRecommendationCommand)).toHaveLength(0);
    const notes = selection.recorded(RECORD_LIMITS).decision?.notes ?? [];
    expect(notes.some((note) => note.includes("no RecommendationId"))).toBe(true);
  });

  it("does not ask without a profile", async () => {
    // Prepare
    const record = prepare(true);
    const spec = record.spec as JobSpec;

    // Act
    const selection = await inferenceRecommendationOperations.select(
      { ...record, spec: { ...spec, irflow: { policy: policyOf({ requestsPerMinute: 3000 }) } } },
      deps,
    );

    // Assess
    expect(sagemaker.commandCalls(GetScalingConfigurationRecommendationCommand)).toHaveLength(0);
    expect(selection.awsScaling).toBeUndefined();
  });
});
