/**
 * The decision on the local stack, end to end: a spec's policy decides what the workflow selects,
 * the outcome event carries the decision, the comparison with a live endpoint and the diagnosis of
 * a failed job.
 */
import { createRequire } from "node:module";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  DescribeInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { matchesPattern } from "../../local/eventbridge/pattern.ts";
import { SAMPLE_ENDPOINT } from "../../local/seed.ts";
import type { LocalStack } from "../../local/stack.ts";
import {
  applyRelaxation,
  type DecisionEntry,
  decide,
  parseDescribeResponse,
  parsePolicy,
} from "../../src/decision/index.ts";
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

beforeEach(() => {
  stack.sagemaker.service.faults.configure({});
});

/** The sample Default job for fraud-xgboost v7 under a policy, run to its end. */
async function decideOnStack(runKey: string, policy: Record<string, unknown>) {
  const spec = sample("default-model-package.json", runKey);
  spec.irflow = { ...(spec.irflow as object), policy };
  const validated = validateSpec(spec);
  if (!validated.valid) throw new Error(`the test spec is invalid: ${JSON.stringify(validated)}`);
  const execution = await runWorkflow(stack, clients, spec, runKey);
  const job = await record(clients, validated.jobName);
  const [event, ...more] = outcomeEvents(stack, validated.jobName);
  expect(more).toEqual([]);
  if (!event) throw new Error(`no outcome event for ${validated.jobName}`);
  return { execution, job, event, detail: event.detail as Record<string, unknown> };
}

/** Every entry of a decision, feasible and rejected. */
function allEntries(detail: Record<string, unknown>): DecisionEntry[] {
  const ranked = (detail.ranked ?? []) as DecisionEntry[];
  const rejected = ((detail.rejected ?? []) as { entry: DecisionEntry }[]).map(
    (item) => item.entry,
  );
  return [...ranked, ...rejected];
}

/** The packaged notification rule's pattern, from the same code the deploy runs. */
async function savingPattern(): Promise<unknown> {
  const build = createRequire(import.meta.url)("../../deploy/resources.cjs") as (context: {
    resolveVariable: (name: string) => Promise<string>;
  }) => Promise<{ Resources: Record<string, { Properties: { EventPattern: unknown } }> }>;
  const { Resources } = await build({
    resolveVariable: async (name) =>
      name === "sls:stage" ? "ci" : "arn:aws:iam::111122223333:role/irflow-sagemaker",
  });
  return Resources.NotifyOnSavingRule?.Properties.EventPattern;
}

describe("the decision on the local stack", () => {
  it("selects a dearer entry when an SLO rules out the cheapest", async () => {
    // Act
    const { execution, job, event, detail } = await decideOnStack("slo-bites", {
      requestsPerMinute: 12_000,
      maxLatencyMs: 10,
    });

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(event["detail-type"]).toBe("Inference Recommendation Selected");
    const selected = detail.selected as DecisionEntry;
    expect(selected.latencyMs).toBeLessThanOrEqual(10);
    expect(selected.instanceCount).toBeGreaterThanOrEqual(1);
    // The cheapest entry at this load is slower than the SLO: rejected for it, with its numbers.
    const cheapest = [...allEntries(detail)].sort(
      (a, b) => (a.monthlyCost ?? Infinity) - (b.monthlyCost ?? Infinity),
    )[0];
    expect(cheapest?.recommendationId).not.toBe(selected.recommendationId);
    expect(detail.rejected).toContainEqual(
      expect.objectContaining({
        recommendationId: cheapest?.recommendationId,
        rule: "max-latency",
        limit: 10,
        actual: cheapest?.latencyMs,
      }),
    );
    expect(detail.sentence).toMatch(
      /^ml\.\S+ x \d+, \$\d+\/month, [\d.]+ ms <= 10 ms at 12,000 requests\/min with 20% headroom$/,
    );
    expect(job.decision?.latencyUnit).toMatchObject({ unit: "us", source: "auto" });
  });

  it("ends an unsatisfiable policy in success, with a relaxation that admits an entry", async () => {
    // Prepare
    const policy = { requestsPerMinute: 12_000, maxLatencyMs: 1 };

    // Act
    const { execution, job, event, detail } = await decideOnStack("unsatisfiable", policy);

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(job.outcome).toBe("unsatisfiable");
    expect(event["detail-type"]).toBe("Inference Recommendation Unsatisfiable");
    expect(detail.selected).toBeUndefined();
    const relaxations = detail.relaxations as { changes: { field: string; to: number }[] }[];
    expect(relaxations[0]?.changes[0]).toMatchObject({ field: "maxLatencyMs", from: 1 });
    expect(detail.sentence).toMatch(/^No entry meets the policy .*; maxLatencyMs 1 -> \d+/);
    // The change, applied to the same job's results, admits an entry.
    const described = await clients.sagemaker.send(
      new DescribeInferenceRecommendationsJobCommand({ JobName: job.jobName }),
    );
    const parsedJob = parseDescribeResponse(described);
    const parsedPolicy = parsePolicy(policy);
    if (!parsedJob.ok || !parsedPolicy.ok) throw new Error("the job or the policy does not read");
    const relaxed = applyRelaxation(parsedPolicy.value, relaxations[0]?.changes as never);
    expect(decide(parsedJob.value, relaxed).outcome).toBe("selected");
  });

  it("selects a serverless configuration under a serverless-only policy", async () => {
    // Act
    const { detail } = await decideOnStack("serverless-only", {
      endpointTypes: ["Serverless"],
      requestsPerMinute: 300,
    });

    // Assess
    const selected = detail.selected as DecisionEntry;
    expect(selected.endpointType).toBe("Serverless");
    expect(selected.serverless?.memorySizeInMB).toBeGreaterThan(0);
    // Paid per request: 300 a minute for 730 hours.
    expect(selected.monthlyCost).toBeCloseTo(300 * 60 * 730 * (selected.costPerInference ?? 0), 6);
    const realTime = (detail.rejected as { rule: string; entry: DecisionEntry }[]).filter(
      (item) => item.entry.endpointType === "RealTime",
    );
    expect(realTime.length).toBeGreaterThan(0);
    expect(realTime.every((item) => item.rule === "endpoint-type")).toBe(true);
    expect(detail.sentence).toMatch(/^serverless [\d,]+ MB \(max concurrency \d+\), \$/);
  });

  it("re-tunes against the live production endpoint and flags a saving worth acting on", async () => {
    // Act
    const { job, event, detail } = await decideOnStack("retune-prod", {
      requestsPerMinute: 12_000,
      current: { endpointName: SAMPLE_ENDPOINT.name },
    });

    // Assess
    expect(job.comparison).toMatchObject({
      current: {
        source: "endpoint",
        endpointName: SAMPLE_ENDPOINT.name,
        instanceType: SAMPLE_ENDPOINT.instanceType,
        instanceCount: SAMPLE_ENDPOINT.instanceCount,
        costSource: "job-recommendation",
        meetsPolicy: "yes",
      },
      worthActing: true,
    });
    const saving = job.comparison?.saving;
    expect(saving?.monthly).toBeGreaterThanOrEqual(50);
    expect(saving?.percent).toBeGreaterThanOrEqual(10);
    expect(detail.comparisonSentence).toMatch(
      /^Production \(ml\.m5\.xlarge x 4\) costs \$\d+\/month at [\d.]+ ms; the proposal costs \$\d+\/month, saving \$\d+\/month \([\d.]+%\): worth acting on$/,
    );
    // The deployed notification rule picks it up.
    expect(matchesPattern(await savingPattern(), event)).toBe(true);
  });

  it("re-tunes against an undersized endpoint and does not flag the dearer proposal", async () => {
    // Prepare: one ml.m5.xlarge, short of 30,000 requests a minute with headroom.
    await clients.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: "fraud-xgboost-canary-config",
        ProductionVariants: [
          {
            VariantName: "AllTraffic",
            ModelName: "fraud-xgboost-v7",
            InstanceType: "ml.m5.xlarge",
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    await clients.sagemaker.send(
      new CreateEndpointCommand({
        EndpointName: "fraud-xgboost-canary",
        EndpointConfigName: "fraud-xgboost-canary-config",
      }),
    );

    // Act
    const { job, event } = await decideOnStack("retune-canary", {
      requestsPerMinute: 30_000,
      current: { endpointName: "fraud-xgboost-canary" },
    });

    // Assess
    expect(job.comparison).toMatchObject({
      current: { instanceType: "ml.m5.xlarge", instanceCount: 1, meetsPolicy: "no" },
      worthActing: false,
    });
    expect(job.comparison?.current.failures.map((failure) => failure.check)).toContain("load");
    expect(job.comparison?.reason).toMatch(/^the proposal costs \$\d+\/month \([\d.]+%\) more$/);
    expect(matchesPattern(await savingPattern(), event)).toBe(false);
  });

  it("names the failed benchmark, its category and its log stream in a failed job's event", async () => {
    // Prepare
    stack.sagemaker.service.faults.configure({
      jobs: [{ match: "-no-capacity$", fate: "fail", reason: "capacity" }],
    });

    // Act
    const { execution, job, event, detail } = await decideOnStack("no-capacity", {});

    // Assess
    expect(execution.error).toBe("JobFailed");
    expect(event["detail-type"]).toBe("Inference Recommendation Failed");
    const diagnosis = detail.diagnosis as {
      category: string;
      hint: string;
      failedBenchmarks: { instanceType?: string; endpointName?: string; category: string }[];
      logs: { logGroup: string; streams: string[] };
      consoleUrl?: string;
    };
    expect(diagnosis.category).toBe("capacity");
    expect(diagnosis.hint).toContain("capacity");
    const [benchmark] = diagnosis.failedBenchmarks;
    expect(benchmark).toMatchObject({
      instanceType: expect.stringMatching(/^ml\./),
      category: "capacity",
    });
    expect(diagnosis.logs.logGroup).toBe("/aws/sagemaker/InferenceRecommendationsJobs");
    // The job's own stream first, then one per failed benchmark's endpoint.
    expect(diagnosis.logs.streams[0]).toBe(`${job.jobName}/execution`);
    expect(diagnosis.logs.streams).toContain(`${job.jobName}/Endpoint/${benchmark?.endpointName}`);
    expect(diagnosis.logs.streams).toHaveLength(diagnosis.failedBenchmarks.length + 1);
    expect(diagnosis.consoleUrl).toMatch(
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#logsV2:log-groups\/log-group\/\$252Faws\$252Fsagemaker\$252FInferenceRecommendationsJobs\/log-events\//,
    );
    expect((detail.failure as { reason: string }).reason).toContain("InsufficientInstanceCapacity");
  });

  it("re-tunes on the schedule with the target's policy over its group's", async () => {
    // Act
    const tick = await stack.tickSchedule(new Date("2026-11-23T06:00:00Z"));
    const fraud = tick.targets.find((target) => target.target === "fraud-xgboost");
    const arn = fraud?.executionArn ?? "";
    for (;;) {
      const { status } = await clients.sfn.send(
        new DescribeExecutionCommand({ executionArn: arn }),
      );
      if (status !== "RUNNING") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Assess: the group's load and bound, the target's production endpoint.
    const job = (await clients.store.listByModel("model-package/fraud-xgboost")).records.find(
      (item) => item.executionArn === arn,
    );
    expect(job?.decision?.policy).toMatchObject({
      requestsPerMinute: 12_000,
      headroom: 0.25,
      maxLatencyMs: 12,
      current: { endpointName: SAMPLE_ENDPOINT.name },
    });
    expect(job?.comparison?.current).toMatchObject({
      endpointName: SAMPLE_ENDPOINT.name,
      instanceType: SAMPLE_ENDPOINT.instanceType,
    });
  });
});
