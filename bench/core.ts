/**
 * `npm run bench -- core [--json]`: spec validation throughput and heap growth over many
 * validations, the time to rank many recommendations, and the LLM decision on 300 of them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { decide, type NormalizedJob, parsePolicy } from "../src/decision/index.ts";
import {
  aiRecommendationJobSchema,
  decideAiRecommendation,
} from "../src/kinds/ai-recommendation/decide.ts";
import { llmPolicySchema } from "../src/kinds/ai-recommendation/policy.ts";
import { validateSpec } from "../src/spec/validate.ts";
import { parseOptions } from "./args.ts";

const ROOT = join(import.meta.dirname, "..");

interface CoreFigures {
  specsPerSecond: number;
  heapGrowthMb: number;
  rankMs: number;
  llmDecisionMs: number;
}

/** The LLM decision on an AI recommendation job of 300 recommendations: ms per decision. */
function llmDecisionSpeed(): number {
  const types = [
    "ml.g5.12xlarge",
    "ml.g6.12xlarge",
    "ml.g6e.2xlarge",
    "ml.p4d.24xlarge",
    "ml.p5.48xlarge",
  ];
  const job = aiRecommendationJobSchema.parse({
    AIRecommendationJobName: "bench",
    AIRecommendationJobStatus: "Completed",
    Recommendations: Array.from({ length: 300 }, (_, i) => ({
      DeploymentConfiguration: {
        InstanceType: types[i % types.length],
        InstanceCount: 1 + (i % 4),
        CopyCountPerInstance: 1 + (i % 3),
      },
      ExpectedPerformance: [
        {
          Metric: "TimeToFirstToken",
          Stat: "p90",
          Value: String(120 + ((i * 37) % 400)),
          Unit: "ms",
        },
        {
          Metric: "InterTokenLatency",
          Stat: "p90",
          Value: String(8 + ((i * 13) % 40)),
          Unit: "ms",
        },
        {
          Metric: "RequestThroughput",
          Stat: "avg",
          Value: String(2 + (i % 20)),
          Unit: "requests/s",
        },
        {
          Metric: "OutputTokenThroughput",
          Stat: "avg",
          Value: String(500 + ((i * 53) % 6000)),
          Unit: "tokens/s",
        },
      ],
    })),
  });
  const policy = llmPolicySchema.parse({
    requestsPerSecond: 40,
    maxTtftMs: 300,
    prices: Object.fromEntries(types.map((type, i) => [type, 2 + i * 8])),
  });
  for (let i = 0; i < 5; i += 1) decideAiRecommendation(job, policy);
  const start = performance.now();
  const rounds = 50;
  for (let i = 0; i < rounds; i += 1) decideAiRecommendation(job, policy);
  return Number(((performance.now() - start) / rounds).toFixed(2));
}

function specValidation(): Pick<CoreFigures, "specsPerSecond" | "heapGrowthMb"> {
  const samples = [
    "default-model-package.json",
    "advanced-phases.json",
    "existing-endpoint.json",
  ].map((file) => JSON.parse(readFileSync(join(ROOT, "events/specs", file), "utf8")) as unknown);
  const rounds = 20_000;
  for (let i = 0; i < 500; i += 1) validateSpec(samples[i % samples.length]);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  for (let i = 0; i < rounds; i += 1) validateSpec(samples[i % samples.length]);
  const seconds = (performance.now() - start) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  return {
    specsPerSecond: Math.round(rounds / seconds),
    heapGrowthMb: Number(((heapAfter - heapBefore) / 1e6).toFixed(1)),
  };
}

function selectionSpeed(): number {
  const job: NormalizedJob = {
    jobName: "bench",
    jobType: "Default",
    status: "COMPLETED",
    benchmarkedEndpoints: [],
    endpointPerformances: [],
    recommendations: Array.from({ length: 10_000 }, (_, index) => ({
      recommendationId: `r${index}`,
      endpointType: "RealTime" as const,
      instanceType: "ml.m5.large",
      environment: [],
      metrics: {
        costPerHour: 0.1 + (index % 97) / 100,
        ...(index % 13 === 0 ? {} : { costPerInference: ((index * 7919) % 10_007) / 1e9 }),
        maxInvocations: 1000 + (index % 500),
        modelLatency: (5 + (index % 40)) * 1000,
      },
      unavailableMetrics: index % 13 === 0 ? ["CostPerInference"] : [],
    })),
  };
  const parsed = parsePolicy({ requestsPerMinute: 12_000, maxLatencyMs: 40 });
  if (!parsed.ok) throw new Error("the benchmark's policy is invalid");
  const start = performance.now();
  const rounds = 20;
  for (let i = 0; i < rounds; i += 1) decide(job, parsed.value);
  return Number(((performance.now() - start) / rounds).toFixed(1));
}

export function coreBench(argv: readonly string[]): void {
  const options = parseOptions(argv, { values: [], flags: ["json"] }, "core");
  const figures: CoreFigures = {
    ...specValidation(),
    rankMs: selectionSpeed(),
    llmDecisionMs: llmDecisionSpeed(),
  };
  if (options.flags.has("json")) {
    console.log(JSON.stringify(figures));
    return;
  }
  console.log(
    `spec validation: ${figures.specsPerSecond.toLocaleString("en-US")} specs/s, heap grew ${figures.heapGrowthMb} MB over 20,000 specs`,
  );
  console.log(`selection: ${figures.rankMs} ms to rank 10,000 recommendations`);
  console.log(
    `LLM decision: ${figures.llmDecisionMs} ms to decide on an AI recommendation job of 300 recommendations`,
  );
}
