import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateInferenceRecommendationsJobCommand,
  type CreateInferenceRecommendationsJobCommandInput,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceRecommendationsJobCommand,
  ListInferenceRecommendationsJobStepsCommand,
  ListInferenceRecommendationsJobsCommand,
  SageMakerClient,
  StopInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_RUN_SECONDS,
  PENDING_SECONDS,
  STOPPING_SECONDS,
} from "../../../local/sagemaker/plan.ts";
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

function advancedJob(name: string): CreateInferenceRecommendationsJobCommandInput {
  return {
    JobName: name,
    JobType: "Advanced",
    RoleArn: ROLE_ARN,
    InputConfig: {
      ModelPackageVersionArn: packageArn,
      JobDurationInSeconds: 7200,
      TrafficPattern: {
        TrafficType: "PHASES",
        Phases: [{ InitialNumberOfUsers: 1, SpawnRate: 1, DurationInSeconds: 600 }],
      },
      ResourceLimit: { MaxNumberOfTests: 3, MaxParallelOfTests: 2 },
      EndpointConfigurations: [
        { InstanceType: "ml.c5.xlarge" },
        { InstanceType: "ml.m5.xlarge" },
        { InstanceType: "ml.c6i.xlarge" },
      ],
    },
    StoppingConditions: {
      MaxInvocations: 30000,
      ModelLatencyThresholds: [{ Percentile: "P95", ValueInMilliseconds: 100 }],
    },
  };
}

async function describe_(name: string) {
  return local.client.send(new DescribeInferenceRecommendationsJobCommand({ JobName: name }));
}

describe("local SageMaker: job lifecycle", () => {
  it("takes a Default job through PENDING, IN_PROGRESS and COMPLETED on the clock", async () => {
    // Prepare
    const created = await local.client.send(
      new CreateInferenceRecommendationsJobCommand(defaultJob("fraud-default-1")),
    );

    // Act
    const statuses = [(await describe_("fraud-default-1")).Status];
    local.advance(PENDING_SECONDS);
    statuses.push((await describe_("fraud-default-1")).Status);
    local.advance(15 * 60);
    statuses.push((await describe_("fraud-default-1")).Status);
    local.advance(DEFAULT_MAX_RUN_SECONDS);
    const done = await describe_("fraud-default-1");

    // Assess
    expect(created.JobArn).toBe(
      "arn:aws:sagemaker:us-east-1:111122223333:inference-recommendations-job/fraud-default-1",
    );
    expect([...statuses, done.Status]).toEqual([
      "PENDING",
      "IN_PROGRESS",
      "IN_PROGRESS",
      "COMPLETED",
    ]);
    expect(done.CreationTime).toBeInstanceOf(Date);
    const runSeconds =
      (done.CompletionTime!.getTime() - done.CreationTime!.getTime()) / 1000 - PENDING_SECONDS;
    expect(runSeconds).toBeGreaterThan(15 * 60);
    expect(runSeconds).toBeLessThanOrEqual(DEFAULT_MAX_RUN_SECONDS);
    expect(done.LastModifiedTime?.getTime()).toBe(done.CompletionTime?.getTime());
    expect(done.InferenceRecommendations?.length).toBeGreaterThan(0);
    expect(done.InferenceRecommendations?.length).toBeLessThanOrEqual(10);
  });

  it("returns recommendations whose metrics agree with each other", async () => {
    // Prepare
    await local.client.send(
      new CreateInferenceRecommendationsJobCommand(defaultJob("fraud-default-2")),
    );
    local.advance(PENDING_SECONDS + DEFAULT_MAX_RUN_SECONDS);

    // Act
    const { InferenceRecommendations = [] } = await describe_("fraud-default-2");

    // Assess
    for (const recommendation of InferenceRecommendations) {
      const metrics = recommendation.Metrics!;
      expect(metrics.CostPerHour).toBeGreaterThan(0);
      expect(metrics.MaxInvocations).toBeGreaterThanOrEqual(1);
      expect(metrics.CostPerInference).toBeCloseTo(
        metrics.CostPerHour! / (metrics.MaxInvocations! * 60),
        12,
      );
      expect(recommendation.EndpointConfiguration?.EndpointName).toMatch(/^fraud-default-2-ep\d+$/);
      expect(
        recommendation.EndpointConfiguration?.InstanceType ??
          recommendation.EndpointConfiguration?.ServerlessConfig,
      ).toBeDefined();
    }
  });

  it("completes an Advanced job after its load tests, in waves of MaxParallelOfTests", async () => {
    // Prepare
    await local.client.send(
      new CreateInferenceRecommendationsJobCommand(advancedJob("fraud-load-1")),
    );

    // Act: two rounds of the 600 s pattern cannot be over sooner.
    local.advance(PENDING_SECONDS + 2 * 600 - 1);
    const running = await describe_("fraud-load-1");
    local.advance(7200);
    const done = await describe_("fraud-load-1");
    const steps = await local.client.send(
      new ListInferenceRecommendationsJobStepsCommand({ JobName: "fraud-load-1" }),
    );

    // Assess
    const windows = (steps.Steps ?? []).map((step) => ({
      start: step.InferenceBenchmark!.InvocationStartTime!.getTime(),
      end: step.InferenceBenchmark!.InvocationEndTime!.getTime(),
    }));
    const [first, second, third] = windows;
    expect(running.Status).toBe("IN_PROGRESS");
    expect(done.Status).toBe("COMPLETED");
    expect(third!.start).toBe(Math.min(first!.end, second!.end));
    for (const window of windows) expect(window.end - window.start).toBeGreaterThan(600_000);
    expect(done.CompletionTime!.getTime()).toBeGreaterThan(Math.max(...windows.map((w) => w.end)));
    expect(
      done.InferenceRecommendations?.map((item) => item.EndpointConfiguration?.InstanceType),
    ).toEqual(["ml.c5.xlarge", "ml.m5.xlarge", "ml.c6i.xlarge"]);
    expect(done.StoppingConditions?.ModelLatencyThresholds?.[0]?.ValueInMilliseconds).toBe(100);
  });

  it("stops a running job through STOPPING to STOPPED", async () => {
    // Prepare
    await local.client.send(
      new CreateInferenceRecommendationsJobCommand(defaultJob("fraud-stop-1")),
    );
    local.advance(PENDING_SECONDS + 10);

    // Act
    await local.client.send(
      new StopInferenceRecommendationsJobCommand({ JobName: "fraud-stop-1" }),
    );
    const stopping = await describe_("fraud-stop-1");
    local.advance(STOPPING_SECONDS);
    const stopped = await describe_("fraud-stop-1");

    // Assess
    expect(stopping.Status).toBe("STOPPING");
    expect(stopped.Status).toBe("STOPPED");
    expect(stopped.InferenceRecommendations).toBeUndefined();
    expect(stopped.CompletionTime).toBeInstanceOf(Date);
  });

  it("lists benchmark steps with their status as the job runs", async () => {
    // Prepare
    await local.client.send(
      new CreateInferenceRecommendationsJobCommand(advancedJob("fraud-steps-1")),
    );

    // Act: look at the steps every minute until the job is over.
    const seen = new Set<string>();
    let completedFirst: string[] = [];
    for (let second = 0; second <= PENDING_SECONDS + 7200; second += 60) {
      const { Steps = [] } = await local.client.send(
        new ListInferenceRecommendationsJobStepsCommand({ JobName: "fraud-steps-1" }),
      );
      const statuses = Steps.map((step) => step.Status ?? "");
      seen.add(statuses.join(","));
      if (completedFirst.length === 0 && statuses.includes("COMPLETED")) {
        const completed = await local.client.send(
          new ListInferenceRecommendationsJobStepsCommand({
            JobName: "fraud-steps-1",
            Status: "COMPLETED",
            StepType: "BENCHMARK",
          }),
        );
        completedFirst = (completed.Steps ?? []).map(
          (step) => step.InferenceBenchmark?.EndpointConfiguration?.InstanceType ?? "",
        );
        expect(completed.Steps?.[0]?.InferenceBenchmark?.Metrics?.MaxInvocations).toBeGreaterThan(
          0,
        );
      }
      local.advance(60);
    }

    // Assess: two tests at a time; the third starts when one of them ends.
    expect(seen).toContain("PENDING,PENDING,PENDING");
    expect(seen).toContain("IN_PROGRESS,IN_PROGRESS,PENDING");
    expect(seen).toContain("COMPLETED,COMPLETED,COMPLETED");
    expect([...seen].some((row) => /COMPLETED/.test(row) && /IN_PROGRESS$/.test(row))).toBe(true);
    expect([...seen].every((row) => row.split("IN_PROGRESS").length - 1 <= 2)).toBe(true);
    expect(completedFirst.length).toBeGreaterThan(0);
    expect(completedFirst.every((type) => type === "ml.c5.xlarge" || type === "ml.m5.xlarge")).toBe(
      true,
    );
  });
});

describe("local SageMaker: listing", () => {
  it("pages through jobs with MaxResults and NextToken, newest first by default", async () => {
    // Prepare
    for (const index of [1, 2, 3, 4, 5]) {
      await local.client.send(
        new CreateInferenceRecommendationsJobCommand(defaultJob(`page-job-${index}`)),
      );
      local.advance(1);
    }

    // Act
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await local.client.send(
        new ListInferenceRecommendationsJobsCommand({ MaxResults: 2, NextToken: token }),
      );
      names.push(...(page.InferenceRecommendationsJobs ?? []).map((job) => job.JobName ?? ""));
      token = page.NextToken;
      pages += 1;
    } while (token);

    // Assess
    expect(pages).toBe(3);
    expect(names).toEqual(["page-job-5", "page-job-4", "page-job-3", "page-job-2", "page-job-1"]);
  });

  it("filters by status, name and model, and sorts by name", async () => {
    // Prepare
    await local.client.send(new CreateInferenceRecommendationsJobCommand(defaultJob("beta-job")));
    await local.client.send(new CreateInferenceRecommendationsJobCommand(defaultJob("alpha-job")));
    await local.client.send(new StopInferenceRecommendationsJobCommand({ JobName: "beta-job" }));

    // Act
    const stopping = await local.client.send(
      new ListInferenceRecommendationsJobsCommand({ StatusEquals: "STOPPING" }),
    );
    const byName = await local.client.send(
      new ListInferenceRecommendationsJobsCommand({
        NameContains: "-job",
        SortBy: "Name",
        SortOrder: "Ascending",
        ModelPackageVersionArnEquals: packageArn,
      }),
    );

    // Assess
    expect(stopping.InferenceRecommendationsJobs?.map((job) => job.JobName)).toEqual(["beta-job"]);
    expect(byName.InferenceRecommendationsJobs?.map((job) => job.JobName)).toEqual([
      "alpha-job",
      "beta-job",
    ]);
    expect(byName.InferenceRecommendationsJobs?.[0]?.ModelPackageVersionArn).toBe(packageArn);
  });
});

describe("local SageMaker: errors", () => {
  it("rejects an invalid request with ValidationException naming the field", async () => {
    // Prepare
    const request = advancedJob("bad-users");
    request.InputConfig!.TrafficPattern!.Phases![0]!.InitialNumberOfUsers = 9;

    // Act
    const error = await rejection(
      local.client.send(new CreateInferenceRecommendationsJobCommand(request)),
    );

    // Assess
    expect(error.name).toBe("ValidationException");
    expect(error.message).toContain("InputConfig.TrafficPattern.Phases[0].InitialNumberOfUsers");
    expect(error.message).toContain("from 1 to 3");
  });

  it("answers a duplicate job name with ResourceInUse", async () => {
    // Prepare
    await local.client.send(new CreateInferenceRecommendationsJobCommand(defaultJob("twice")));

    // Act
    const error = await rejection(
      local.client.send(new CreateInferenceRecommendationsJobCommand(defaultJob("twice"))),
    );

    // Assess
    expect(error.name).toBe("ResourceInUse");
  });

  it("answers an unknown job with ResourceNotFound", async () => {
    // Act
    const errors = await Promise.all([
      describe_("nobody").catch((caught: Error) => caught.name),
      local.client
        .send(new StopInferenceRecommendationsJobCommand({ JobName: "nobody" }))
        .catch((caught: Error) => caught.name),
      local.client
        .send(new ListInferenceRecommendationsJobStepsCommand({ JobName: "nobody" }))
        .catch((caught: Error) => caught.name),
    ]);

    // Assess
    expect(errors).toEqual(["ResourceNotFound", "ResourceNotFound", "ResourceNotFound"]);
  });

  it("answers a job beyond the account limit with ResourceLimitExceeded, and accepts it once one finishes", async () => {
    // Prepare
    local.server.service.faults.configure({ accountJobLimit: 2 });
    await local.client.send(new CreateInferenceRecommendationsJobCommand(defaultJob("limit-1")));
    await local.client.send(new CreateInferenceRecommendationsJobCommand(defaultJob("limit-2")));

    // Act
    const refused = await local.client
      .send(new CreateInferenceRecommendationsJobCommand(defaultJob("limit-3")))
      .catch((caught: Error) => caught.name);
    local.advance(PENDING_SECONDS + DEFAULT_MAX_RUN_SECONDS);
    const accepted = await local.client.send(
      new CreateInferenceRecommendationsJobCommand(defaultJob("limit-3")),
    );

    // Assess
    expect(refused).toBe("ResourceLimitExceeded");
    expect(accepted.JobArn).toContain("limit-3");
  });

  it("rejects a job for a model package that is not registered", async () => {
    // Prepare
    const request = defaultJob("ghost-package");
    request.InputConfig!.ModelPackageVersionArn =
      "arn:aws:sagemaker:us-east-1:111122223333:model-package/ghost/1";

    // Act
    const error = await rejection(
      local.client.send(new CreateInferenceRecommendationsJobCommand(request)),
    );

    // Assess
    expect(error.name).toBe("ValidationException");
    expect(error.message).toContain("ghost/1 does not exist");
  });
});

describe("local SageMaker: faults", () => {
  it("throttles calls at the configured rate, and the SDK's retries get through", async () => {
    // Prepare
    local.server.service.faults.configure({ throttleRate: 0.5, seed: "throttle" });
    const retrying = new SageMakerClient({
      endpoint: local.server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      maxAttempts: 10,
      retryMode: "standard",
    });

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        local.client.send(new ListInferenceRecommendationsJobsCommand({})).then(
          () => "ok",
          (caught: Error) => caught.name,
        ),
      ),
    );
    const retried = await retrying.send(new ListInferenceRecommendationsJobsCommand({}));
    retrying.destroy();

    // Assess
    expect(outcomes).toContain("ThrottlingException");
    expect(outcomes).toContain("ok");
    expect(retried.InferenceRecommendationsJobs).toEqual([]);
  });

  it("answers server errors with 5xx codes the SDK recognizes", async () => {
    // Prepare
    local.server.service.faults.configure({ serverErrorRate: 1 });

    // Act
    const names = new Set(
      await Promise.all(
        Array.from({ length: 4 }, () =>
          local.client
            .send(new ListInferenceRecommendationsJobsCommand({}))
            .catch(
              (caught: Error & { $metadata: { httpStatusCode?: number } }) =>
                `${caught.name}:${caught.$metadata.httpStatusCode}`,
            ),
        ),
      ),
    );

    // Assess
    expect(names).toEqual(new Set(["InternalFailure:500", "ServiceUnavailable:503"]));
  });

  it.each([
    ["model-error", "ModelError when calling InvokeEndpoint"],
    ["payload-error", "PayloadError when calling InvokeEndpoint"],
    ["capacity", "InsufficientInstanceCapacity"],
    ["quota", "ResourceLimitExceeded when calling CreateEndpoint"],
    ["permissions", "AWSSecurityTokenServiceException"],
  ] as const)("fails a job with a %s and says why", async (reason, text) => {
    // Prepare
    local.server.service.faults.configure({ jobs: [{ match: "^doomed", fate: "fail", reason }] });
    await local.client.send(new CreateInferenceRecommendationsJobCommand(advancedJob("doomed-1")));
    local.advance(PENDING_SECONDS + 7200);

    // Act
    const failed = await describe_("doomed-1");
    const steps = await local.client.send(
      new ListInferenceRecommendationsJobStepsCommand({ JobName: "doomed-1", Status: "FAILED" }),
    );

    // Assess
    expect(failed.Status).toBe("FAILED");
    expect(failed.FailureReason).toContain(text);
    expect(failed.InferenceRecommendations).toBeUndefined();
    expect(steps.Steps?.length).toBeGreaterThan(0);
    expect(steps.Steps?.[0]?.InferenceBenchmark?.FailureReason).toBe(failed.FailureReason);
  });

  it("keeps a stuck job IN_PROGRESS long past its duration", async () => {
    // Prepare
    local.server.service.faults.configure({ jobs: [{ match: "stuck", fate: "stuck" }] });
    await local.client.send(new CreateInferenceRecommendationsJobCommand(defaultJob("stuck-1")));

    // Act
    local.advance(PENDING_SECONDS + DEFAULT_MAX_RUN_SECONDS * 10);
    const status = (await describe_("stuck-1")).Status;

    // Assess
    expect(status).toBe("IN_PROGRESS");
  });

  it("fails one benchmark and still completes the job with the others", async () => {
    // Prepare
    local.server.service.faults.configure({
      benchmarks: [{ instanceType: "ml.m5.xlarge", reason: "capacity" }],
    });
    await local.client.send(new CreateInferenceRecommendationsJobCommand(advancedJob("partial-1")));
    local.advance(PENDING_SECONDS + 7200);

    // Act
    const done = await describe_("partial-1");
    const failedSteps = await local.client.send(
      new ListInferenceRecommendationsJobStepsCommand({ JobName: "partial-1", Status: "FAILED" }),
    );

    // Assess
    expect(done.Status).toBe("COMPLETED");
    expect(
      done.InferenceRecommendations?.map((item) => item.EndpointConfiguration?.InstanceType),
    ).toEqual(["ml.c5.xlarge", "ml.c6i.xlarge"]);
    expect(failedSteps.Steps?.[0]?.InferenceBenchmark?.FailureReason).toContain("ml.m5.xlarge");
  });

  it("fails a job whose model package has no Domain, as the service does", async () => {
    // Prepare
    const bare = await registerModelPackage(local, "no-domain", { Domain: undefined });
    const request = defaultJob("no-domain-1");
    request.InputConfig!.ModelPackageVersionArn = bare;
    await local.client.send(new CreateInferenceRecommendationsJobCommand(request));
    local.advance(PENDING_SECONDS + 60);

    // Act
    const failed = await describe_("no-domain-1");

    // Assess
    expect(failed.Status).toBe("FAILED");
    expect(failed.FailureReason).toContain("Domain is a mandatory parameter for the job");
  });
});

describe("the emulator's live endpoints", () => {
  async function createEndpoint(name: string, instanceType: string, count: number) {
    await local.client.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: `${name}-config`,
        ProductionVariants: [
          {
            VariantName: "AllTraffic",
            ModelName: "fraud-xgboost-v1",
            InstanceType: instanceType as never,
            InitialInstanceCount: count,
            InitialVariantWeight: 1,
          },
        ],
      }),
    );
    await local.client.send(
      new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }),
    );
  }

  it("describes an endpoint and its config as the SDK reads them", async () => {
    // Prepare
    await createEndpoint("fraud-live", "ml.m5.xlarge", 3);

    // Act
    const endpoint = await local.client.send(
      new DescribeEndpointCommand({ EndpointName: "fraud-live" }),
    );
    const config = await local.client.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }),
    );

    // Assess
    expect(endpoint).toMatchObject({
      EndpointName: "fraud-live",
      EndpointStatus: "InService",
      ProductionVariants: [
        { VariantName: "AllTraffic", CurrentInstanceCount: 3, CurrentWeight: 1 },
      ],
    });
    expect(config.ProductionVariants).toEqual([
      expect.objectContaining({ InstanceType: "ml.m5.xlarge", InitialInstanceCount: 3 }),
    ]);
  });

  it("answers an unknown endpoint with ValidationException, as SageMaker does", async () => {
    // Act
    const error = await local.client
      .send(new DescribeEndpointCommand({ EndpointName: "no-such-endpoint" }))
      .catch((caught: unknown) => caught);

    // Assess
    expect((error as Error).name).toBe("ValidationException");
    expect((error as Error).message).toContain("Could not find endpoint");
  });

  it("measures an existing endpoint on its own instances, latency in microseconds", async () => {
    // Prepare
    await createEndpoint("fraud-one", "ml.m5.xlarge", 1);
    await createEndpoint("fraud-four", "ml.m5.xlarge", 4);
    const job = (
      name: string,
      endpoint: string,
    ): CreateInferenceRecommendationsJobCommandInput => ({
      ...advancedJob(name),
      InputConfig: {
        ModelPackageVersionArn: packageArn,
        JobDurationInSeconds: 1800,
        TrafficPattern: {
          TrafficType: "PHASES",
          Phases: [{ InitialNumberOfUsers: 2, SpawnRate: 2, DurationInSeconds: 900 }],
        },
        Endpoints: [{ EndpointName: endpoint }],
      },
    });
    await local.client.send(
      new CreateInferenceRecommendationsJobCommand(job("measure-1", "fraud-one")),
    );
    await local.client.send(
      new CreateInferenceRecommendationsJobCommand(job("measure-4", "fraud-four")),
    );
    local.advance(PENDING_SECONDS + 7200);

    // Act
    const [one, four] = await Promise.all([describe_("measure-1"), describe_("measure-4")]);

    // Assess
    const single = one.EndpointPerformances?.[0]?.Metrics;
    const fleet = four.EndpointPerformances?.[0]?.Metrics;
    expect(single?.ModelLatency).toBeGreaterThan(1000);
    expect(single?.ModelLatency).toBeLessThan(100_000);
    expect(fleet?.MaxInvocations ?? 0).toBeGreaterThan((single?.MaxInvocations ?? 0) * 3);
  });
});
