/**
 * `npm run bench -- core [--json]`: spec validation throughput and heap growth over many
 * validations, and the time to rank many recommendations.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { decide, type NormalizedJob, parsePolicy } from "../src/decision/index.ts";
import { validateSpec } from "../src/spec/validate.ts";
import { parseOptions } from "./args.ts";

const ROOT = join(import.meta.dirname, "..");

interface CoreFigures {
  specsPerSecond: number;
  heapGrowthMb: number;
  rankMs: number;
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
  const figures: CoreFigures = { ...specValidation(), rankMs: selectionSpeed() };
  if (options.flags.has("json")) {
    console.log(JSON.stringify(figures));
    return;
  }
  console.log(
    `spec validation: ${figures.specsPerSecond.toLocaleString("en-US")} specs/s, heap grew ${figures.heapGrowthMb} MB over 20,000 specs`,
  );
  console.log(`selection: ${figures.rankMs} ms to rank 10,000 recommendations`);
}
