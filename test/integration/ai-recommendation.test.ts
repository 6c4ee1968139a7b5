/**
 * A spec of the kind ai-recommendation, end to end on the local stack through `irflow start
 * --wait`: its workload config and job are created, polled to completion, decided, recorded and
 * published; the same job is visible through the SageMaker API as any client sees it. A job that
 * fails is diagnosed; a job whose account refuses the feature says so.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  DescribeAIRecommendationJobCommand,
  DescribeAIWorkloadConfigCommand,
  ListAIRecommendationJobsCommand,
} from "@aws-sdk/client-sagemaker";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { instanceSpec } from "../../local/sagemaker/catalog.ts";
import { validateAiRecommendationSpec } from "../../src/kinds/ai-recommendation/validate.ts";
import { type CliStack, openCliStack } from "../support/cli.ts";
import { outcomeEvents, record, type StackClients, stackClients } from "../support/stack.ts";

let cli: CliStack;
let clients: StackClients;

beforeAll(async () => {
  cli = await openCliStack({ timeScale: 3000, logLevel: "ERROR" }, "ai-recommendation");
  clients = stackClients(cli.stack);
});

afterAll(async () => {
  clients.destroy();
  await cli.close();
});

const SAMPLE = JSON.parse(readFileSync("events/specs/ai/llama-3-8b-chat.json", "utf8"));

/** The sample with a run key, written where `irflow start` reads it; its job name. */
async function specFile(runKey: string, change: (spec: typeof SAMPLE) => void = () => {}) {
  const spec = structuredClone(SAMPLE);
  spec.irflow = { ...spec.irflow, runKey };
  change(spec);
  const path = join(cli.dir, `${runKey}.json`);
  await writeFile(path, JSON.stringify(spec));
  const validation = validateAiRecommendationSpec(spec);
  if (!validation.valid) throw new Error(`the spec of ${runKey} does not validate`);
  return { path, jobName: validation.jobName, spec: validation.spec };
}

describe("the kind ai-recommendation on the local stack", () => {
  it("runs workload config, job, polls, decision, record and event, and the API shows the same job", async () => {
    // Prepare
    const { path, jobName, spec } = await specFile("end-to-end");
    const io = cli.io();

    // Act
    const code = await main(["start", path, "--wait"], io);
    const stored = await record(clients, jobName);
    const events = outcomeEvents(cli.stack, jobName);
    const listed = await clients.sagemaker.send(
      new ListAIRecommendationJobsCommand({ NameContains: "end-to-end" }),
    );
    const described = await clients.sagemaker.send(
      new DescribeAIRecommendationJobCommand({ AIRecommendationJobName: jobName }),
    );
    const workload = await clients.sagemaker.send(
      new DescribeAIWorkloadConfigCommand({
        AIWorkloadConfigName: spec.workload?.AIWorkloadConfigName ?? "",
      }),
    );

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toMatch(
      /decision {3}selected ml\.\S+ x \d+ \(1 copy each\) for \$[\d,]+\/month/,
    );
    expect(stored).toMatchObject({
      kind: "ai-recommendation",
      phase: "published",
      outcome: "selected",
      status: "COMPLETED",
      model: { kind: "model-artifacts", modelUri: "s3://example-models/llm/llama-3-8b-chat/" },
    });
    expect(stored.pollCount).toBeGreaterThan(1);
    const selected = stored.llmDecision?.selected;
    expect(selected?.metrics.ttftMs).toBeLessThanOrEqual(200);
    expect(events).toHaveLength(1);
    expect(events[0]?.["detail-type"]).toBe("LLM Recommendation Selected");
    expect(events[0]?.detail).toMatchObject({
      kind: "ai-recommendation",
      schemaVersion: "2.1",
      outcome: "selected",
      deployment: {
        modelSource: "s3://example-models/llm/llama-3-8b-chat/",
        instanceType: selected?.instanceType,
        instanceCount: selected?.instanceCount,
        copiesPerInstance: selected?.copiesPerInstance,
        expected: { latencyStat: "p90", ttftMs: selected?.metrics.ttftMs },
      },
    });
    expect(listed.AIRecommendationJobs?.map((job) => job.AIRecommendationJobName)).toEqual([
      jobName,
    ]);
    expect(described).toMatchObject({
      AIRecommendationJobStatus: "Completed",
      AIRecommendationJobArn: stored.jobArn,
      AIWorkloadConfigIdentifier: spec.workload?.AIWorkloadConfigName,
    });
    expect(described.Tags).toEqual(
      expect.arrayContaining([{ Key: "irflow:stack", Value: expect.any(String) }]),
    );
    expect(workload.AIWorkloadConfigName).toBe(spec.workload?.AIWorkloadConfigName);
  }, 120_000);

  it("prices a spec without policy.prices from the Price List, and records the source", async () => {
    // Prepare: one type priced by the policy, the others left to the Price List.
    const { path, jobName } = await specFile("price-list", (spec) => {
      spec.irflow.policy.prices = { "ml.g6e.2xlarge": 2.5 };
    });
    const catalog = (type: string) => instanceSpec(type).pricePerHourUsd;
    const callsBefore = cli.stack.priceList.priceList.calls;

    // Act
    const code = await main(["start", path, "--wait"], cli.io());
    const stored = await record(clients, jobName);
    const [event] = outcomeEvents(cli.stack, jobName);

    // Assess
    expect(code).toBe(0);
    expect(stored.outcome).toBe("selected");
    expect(stored.llmDecision?.prices).toEqual([
      {
        instanceType: "ml.g5.12xlarge",
        pricePerHour: catalog("ml.g5.12xlarge"),
        source: "price-list",
      },
      {
        instanceType: "ml.g6.12xlarge",
        pricePerHour: catalog("ml.g6.12xlarge"),
        source: "price-list",
      },
      { instanceType: "ml.g6e.2xlarge", pricePerHour: 2.5, source: "policy" },
    ]);
    const entries = [
      ...(stored.llmDecision?.ranked ?? []),
      ...(stored.llmDecision?.rejected ?? []).map((item) => item.entry),
    ];
    expect(entries.map((entry) => [entry.instanceType, entry.priceSource]).sort()).toEqual([
      ["ml.g5.12xlarge", "price-list"],
      ["ml.g6.12xlarge", "price-list"],
      ["ml.g6e.2xlarge", "policy"],
    ]);
    expect(entries.every((entry) => entry.monthlyCost !== undefined)).toBe(true);
    expect(event?.detail).toMatchObject({ prices: stored.llmDecision?.prices });
    // Only the two types without a policy price were looked up.
    expect(cli.stack.priceList.priceList.calls - callsBefore).toBe(2);
    const cached = await clients.documents.send(
      new GetCommand({
        TableName: cli.stack.environment.TABLE_NAME,
        Key: { jobName: "price:us-east-1:ml.g5.12xlarge" },
      }),
    );
    expect(cached.Item?.pricePerHour).toBe(catalog("ml.g5.12xlarge"));
  }, 120_000);

  it("adopts the workload config a second run of the same workload finds, and runs its own job", async () => {
    // Prepare
    const first = await specFile("adopt-a");
    const second = await specFile("adopt-b", (spec) => {
      spec.workload.AIWorkloadConfigName = first.spec.workload?.AIWorkloadConfigName;
    });
    await main(["start", first.path, "--wait"], cli.io());

    // Act
    const code = await main(["start", second.path, "--wait"], cli.io());

    // Assess
    expect(code).toBe(0);
    expect(await record(clients, second.jobName)).toMatchObject({ outcome: "selected" });
  }, 120_000);

  it("refuses another workload under the same config name, naming both", async () => {
    // Prepare
    const first = await specFile("clash-a");
    const second = await specFile("clash-b", (spec) => {
      spec.workload.AIWorkloadConfigName = first.spec.workload?.AIWorkloadConfigName;
      spec.workload.AIWorkloadConfigs.WorkloadSpec.Inline =
        "benchmark:\n  type: aiperf\nparameters:\n  prompt_input_tokens_mean: 2000\n";
    });
    await main(["start", first.path, "--wait"], cli.io());

    // Act
    const io = cli.io();
    const code = await main(["start", second.path, "--wait"], io);

    // Assess
    expect(code).toBe(1);
    const stored = await record(clients, second.jobName);
    expect(stored.outcome).toBe("rejected");
    expect(stored.failure?.reason).toMatch(/exists with other content/);
    expect(stored.failure?.reason).toContain("prompt_input_tokens_mean: 2000");
  }, 120_000);

  it("diagnoses a job the account may not run: the feature is not enabled", async () => {
    // Prepare: the emulator fails a job whose name says so, as an account without the feature does.
    const { path, jobName } = await specFile("x", (spec) => {
      spec.job.AIRecommendationJobName = "llama-not-enabled";
    });

    // Act
    const io = cli.io();
    const code = await main(["start", path, "--wait"], io);

    // Assess
    expect(code, io.err()).toBe(1);
    const stored = await record(clients, jobName);
    expect(stored).toMatchObject({
      kind: "ai-recommendation",
      outcome: "failed",
      status: "FAILED",
      diagnosis: { category: "not-enabled" },
    });
    expect(stored.failure?.reason).toMatch(/not enabled for this account/);
    expect(stored.diagnosis?.hint).toMatch(/enable them/);
    const [event] = outcomeEvents(cli.stack, jobName);
    expect(event?.["detail-type"]).toBe("Inference Recommendation Failed");
    expect(event?.detail).toMatchObject({ kind: "ai-recommendation", outcome: "failed" });
  }, 120_000);

  it("irflow demo --kind ai-recommendation runs the kind's sample end to end on its own stack", async () => {
    // Prepare
    const io = cli.io();
    const both = cli.io();

    // Act
    const code = await main(["demo", "--kind", "ai-recommendation", "--time-scale", "3000"], io);
    const refused = await main(["demo", "x.json", "--kind", "ai-recommendation"], both);

    // Assess
    expect(code, io.err()).toBe(0);
    expect(io.out()).toContain("irflow demo: one AI recommendation job, end to end");
    expect(io.out()).toMatch(/STANDING \(by monthly-cost\)/);
    expect(io.out()).toContain("outcome event on irflow-local (LLM Recommendation Selected)");
    expect(io.out()).toMatch(/the decision: selected, ml\.\S+ x \d+/);
    expect(refused).toBe(64);
    expect(both.err()).toContain("give a spec or --kind, not both");
  }, 120_000);
});
