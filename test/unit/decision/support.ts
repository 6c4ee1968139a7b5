import { readFileSync } from "node:fs";
import {
  type NormalizedJob,
  type NormalizedRecommendation,
  parseDescribeResponse,
} from "../../../src/decision/describe.ts";
import { type Policy, type PolicyInput, parsePolicy } from "../../../src/decision/policy.ts";

export const AWS_FIXTURES = {
  defaultJob: "aws-default-c5-xlarge",
  defaultJobInMs: "aws-default-c5-xlarge-ms",
  advancedJob: "aws-advanced-p95-100ms",
  advancedJobInMs: "aws-advanced-p95-100ms-ms",
} as const;

export function readFixture(name: string): unknown {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/describe/${name}.json`, import.meta.url), "utf8"),
  );
}

export function fixtureJob(name: string): NormalizedJob {
  const parsed = parseDescribeResponse(readFixture(name));
  if (!parsed.ok) throw new Error(`fixture ${name}: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

export function policy(input: PolicyInput = {}): Policy {
  const parsed = parsePolicy(input);
  if (!parsed.ok) throw new Error(`policy: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

/** A real-time entry; metrics in milliseconds unless the job says otherwise. */
export function realTime(
  id: string,
  instanceType: string,
  metrics: NormalizedRecommendation["metrics"],
  extra: Partial<NormalizedRecommendation> = {},
): NormalizedRecommendation {
  return {
    recommendationId: id,
    endpointType: "RealTime",
    instanceType,
    environment: [],
    metrics,
    unavailableMetrics: [],
    ...extra,
  };
}

export function serverless(
  id: string,
  memorySizeInMB: number,
  metrics: NormalizedRecommendation["metrics"],
  extra: Partial<NormalizedRecommendation> = {},
): NormalizedRecommendation {
  return {
    recommendationId: id,
    endpointType: "Serverless",
    serverless: { memorySizeInMB, maxConcurrency: 20 },
    environment: [],
    metrics,
    unavailableMetrics: [],
    ...extra,
  };
}

/** A completed Default job over these entries. */
export function job(
  recommendations: NormalizedRecommendation[],
  extra: Partial<NormalizedJob> = {},
): NormalizedJob {
  return {
    jobName: "unit-job",
    jobType: "Default",
    status: "COMPLETED",
    benchmarkedEndpoints: [],
    recommendations,
    endpointPerformances: [],
    ...extra,
  };
}
