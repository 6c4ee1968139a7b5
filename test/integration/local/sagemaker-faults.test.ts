import {
  CreateInferenceRecommendationsJobCommand,
  type CreateInferenceRecommendationsJobCommandInput,
  DescribeInferenceRecommendationsJobCommand,
  ListInferenceRecommendationsJobsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultInjector } from "../../../local/sagemaker/faults.ts";
import {
  type LocalSageMaker,
  ROLE_ARN,
  registerModelPackage,
  rejection,
  startLocalSageMaker,
  TEST_CREDENTIALS,
} from "../../support/sagemaker.ts";

let local: LocalSageMaker;
let packageArn: string;

beforeEach(async () => {
  local = await startLocalSageMaker();
  packageArn = await registerModelPackage(local, "fraud-xgboost");
});

afterEach(async () => {
  local.client.destroy();
  await local.server.close();
});

function defaultJob(name: string): CreateInferenceRecommendationsJobCommandInput {
  return {
    JobName: name,
    JobType: "Default",
    RoleArn: ROLE_ARN,
    InputConfig: { ModelPackageVersionArn: packageArn },
  };
}

describe("local SageMaker: a CreateInferenceRecommendationsJob answer lost after the job was created", () => {
  it("answers InternalFailure (HTTP 500) while the job exists and runs", async () => {
    // Prepare
    local.server.service.faults.configure({
      jobs: [{ match: "^lost-", loseCreateResponse: true }],
    });

    // Act
    const error = await rejection(
      local.client.send(new CreateInferenceRecommendationsJobCommand(defaultJob("lost-1"))),
    );
    const described = await local.client.send(
      new DescribeInferenceRecommendationsJobCommand({ JobName: "lost-1" }),
    );

    // Assess
    expect(error).toMatchObject({ name: "InternalFailure", $metadata: { httpStatusCode: 500 } });
    expect(described.Status).toBe("PENDING");
    expect(local.server.service.faults.injected.lostCreateResponses).toBe(1);
    expect(local.server.service.faults.lostCreateResponses()).toEqual(["lost-1"]);
  });

  it("makes a retrying SDK meet ResourceInUse for the job its first attempt created", async () => {
    // Prepare
    local.server.service.faults.configure({
      jobs: [{ match: "^lost-", loseCreateResponse: true }],
    });
    const retrying = new SageMakerClient({
      endpoint: local.server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
    });

    // Act
    const error = await rejection(
      retrying.send(new CreateInferenceRecommendationsJobCommand(defaultJob("lost-2"))),
    );
    const listed = await local.client.send(new ListInferenceRecommendationsJobsCommand({}));
    retrying.destroy();

    // Assess
    expect(error).toMatchObject({ name: "ResourceInUse", $metadata: { attempts: 2 } });
    expect(listed.InferenceRecommendationsJobs?.map((job) => job.JobName)).toEqual(["lost-2"]);
  });

  it("leaves other jobs' answers alone", async () => {
    // Prepare
    local.server.service.faults.configure({
      jobs: [{ match: "^lost-", loseCreateResponse: true }],
    });

    // Act
    const created = await local.client.send(
      new CreateInferenceRecommendationsJobCommand(defaultJob("kept-1")),
    );

    // Assess
    expect(created.JobArn).toContain("kept-1");
    expect(local.server.service.faults.injected.lostCreateResponses).toBe(0);
  });

  it("reports the faults in force and the counts on the health route", async () => {
    // Prepare
    local.server.service.faults.configure({
      jobs: [{ match: "^lost-", loseCreateResponse: true }],
    });
    await rejection(
      local.client.send(new CreateInferenceRecommendationsJobCommand(defaultJob("lost-3"))),
    );

    // Act
    const health = await (await fetch(`${local.server.endpoint}/_irflow/health`)).json();

    // Assess
    expect(health).toMatchObject({
      ok: true,
      injected: {
        throttled: 0,
        serverErrors: 0,
        lostCreateResponses: 1,
        lostWorkloadConfigResponses: 0,
      },
    });
  });
});

describe("FaultInjector lost create answers", () => {
  it("draws jobs by name, the same for the same seed, apart from the draw for their fate", () => {
    // Prepare
    const names = Array.from({ length: 40 }, (_, index) => `job-${index}`);
    const losing = (seed: string) => {
      const faults = new FaultInjector({ seed, jobs: [{ rate: 0.5, loseCreateResponse: true }] });
      return names.filter((name) => {
        try {
          faults.afterCreate(name);
          return false;
        } catch {
          return true;
        }
      });
    };
    const failing = new FaultInjector({ seed: "a", jobs: [{ rate: 0.5, fate: "fail" }] });

    // Act
    const first = losing("a");
    const again = losing("a");
    const other = losing("b");
    const failed = names.filter((name) => failing.fateOf(name).kind === "fail");

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first.length).toBeGreaterThan(8);
    expect(first.length).toBeLessThan(32);
    expect(failed).not.toEqual(first);
  });

  it("refuses a jobs entry that sets nothing, naming what it may set", () => {
    // Act
    const configure = () => new FaultInjector({ jobs: [{ match: "^x" }] });

    // Assess
    expect(configure).toThrow(
      "a jobs entry must set fate, runSeconds or progress, or loseCreateResponse",
    );
  });
});
