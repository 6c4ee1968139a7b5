/**
 * A deterministic, plausible performance model for the local Inference Recommender.
 *
 * Rules:
 * - A request costs core-milliseconds of model compute (from the profile: framework, domain, task,
 *   nearest model; xgboost is light, bert and vision networks heavy) plus the serving stack's
 *   overhead, each times a factor seeded by the profile's seed (performance-workload.ts).
 * - Capacity (requests/s) on CPU scales with vCPU^0.92 times the family's per-vCPU speed (newer
 *   generations faster; arm64 Graviton good for tabular models, weaker for deep ones). Deep models
 *   on an instance with accelerators run their compute there (speedup per device times device
 *   count^0.95) while the CPU still carries the serving overhead; capacity is the lower of the two.
 *   Tabular models (XGBOOST, scikit-learn) gain nothing from accelerators.
 * - Latency at load ρ (fraction of capacity) is base × (1 + 0.12·ρ/(1-ρ)); the P95 and P99 tails
 *   are that mean times (1.45 + 0.6ρ) and (1.9 + 1.4ρ), so P99 is always the higher.
 * - Without limits a model is driven to a seeded load between 0.82 and 0.92 of capacity. A latency
 *   limit lowers the load to the highest one whose chosen percentile stays within the limit (P99
 *   caps harder than P95); maxInvocationsCap caps the result. maxInvocations (per minute) is then
 *   an integer >= 1, and modelLatency the mean latency at that load, in whole microseconds (>= 1),
 *   the unit AWS's own example responses report it in (a P95 threshold of 100 ms next to a
 *   ModelLatency of 100000). ModelSetupTime is reported in the same unit.
 * - costPerHour is the catalog price; costPerInference = costPerHour / (maxInvocations × 60),
 *   exactly, as in AWS's figures.
 * - CPU and memory utilization are percent in [0, 100]; a small deterministic share (3%) of
 *   (model, instance) pairs reports NaN instead, as AWS does when a metric is not available.
 * - Environment variables shift throughput by up to ±5%, deterministically; OMP_NUM_THREADS also
 *   sets how many cores one request of a deep model uses on CPU, which changes its latency.
 * - Serverless: CPU share grows with memory (0.5 vCPU per GB), concurrency slots serve one request
 *   each, cost is billed per GB-second of processing time ($0.00002 per GB-second, us-east-1) so
 *   costPerHour grows with memory size; modelSetupTime is the cold start, longer for more memory
 *   and heavier models, and like the utilizations NaN for a small share of configurations (the API
 *   documents it may be); cpuUtilization is always NaN (serverless exposes no CPU metric).
 */

import {
  INSTANCE_TYPES,
  type InstanceType,
  type ListedInstanceType,
} from "../../src/spec/instance-types.ts";
import { type InstanceSpec, instanceSpec } from "./catalog.ts";
import { acceleratorSpeedup, cpuSpeed, effectiveCores } from "./performance-hardware.ts";
import { fnv1a32, seededFactor, seededUnit } from "./performance-random.ts";
import { type ModelProfile, type Workload, workloadFor } from "./performance-workload.ts";

export type { ModelProfile } from "./performance-workload.ts";

export interface RealTimeBenchmark {
  instanceType: InstanceType;
  /** Set when the catalog estimated the type's hardware and price from this relative. */
  estimatedFrom?: InstanceType;
  costPerHour: number;
  costPerInference: number;
  /** Requests per minute, integer. */
  maxInvocations: number;
  /** Mean latency at maxInvocations: microseconds, integer. */
  modelLatency: number;
  /** Percent, or NaN. */
  cpuUtilization: number;
  /** Percent, or NaN. */
  memoryUtilization: number;
}

export interface ServerlessBenchmark {
  memorySizeInMB: number;
  maxConcurrency: number;
  costPerHour: number;
  costPerInference: number;
  maxInvocations: number;
  /** Mean latency at maxInvocations: microseconds, integer. */
  modelLatency: number;
  /** Cold start: microseconds, integer, or NaN. */
  modelSetupTime: number;
  /** Percent, or NaN. */
  memoryUtilization: number;
  /** Always NaN: serverless exposes no CPU metric. */
  cpuUtilization: number;
}

export interface LatencyLimit {
  percentile: "P95" | "P99";
  valueInMilliseconds: number;
}

/** What bounds the load a benchmark reports. */
export interface ServerlessOptions {
  latencyLimit?: LatencyLimit;
  maxInvocationsCap?: number;
}

export interface RealTimeOptions extends ServerlessOptions {
  /** The model container's environment, e.g. OMP_NUM_THREADS. */
  environment?: Record<string, string>;
}

/** SageMaker Serverless Inference, us-east-1 on-demand: $0.0000200 per second per GB. */
export const SERVERLESS_PRICE_PER_GB_SECOND_USD = 0.00002;

const QUEUEING_STEEPNESS = 0.12;
const TAIL: Readonly<Record<LatencyLimit["percentile"], { base: number; perLoad: number }>> = {
  P95: { base: 1.45, perLoad: 0.6 },
  P99: { base: 1.9, perLoad: 1.4 },
};
/** Share of the serving overhead that a single request waits for (the rest overlaps). */
const OVERHEAD_IN_LATENCY = 0.3;
const ACCELERATOR_TRANSFER_MS = 0.8;
const DEVICE_SCALING_EXPONENT = 0.95;
/** Threads a deep model uses per request on CPU unless OMP_NUM_THREADS says otherwise. */
const DEFAULT_INTRA_OP_THREADS = 4;
const INTRA_OP_EXPONENT = 0.7;
const NOT_AVAILABLE_SHARE = 0.03;
const IDLE_CPU_PERCENT = 3;
const OS_MEMORY_GIB = 0.6;
const WORKER_RUNTIME_GIB = 0.15;
const MODEL_COPY_OVERHEAD = 1.3;
const REQUEST_BUFFERS_PERCENT_AT_CAPACITY = 3;

const SERVERLESS_VCPU_PER_GB = 0.5;
const SERVERLESS_FRONT_END_MS = 8;
const SERVERLESS_RUNTIME_GIB = 0.4;

/** How an endpoint serves one workload: capacity at full load and latency with no queue. */
interface ServingPoint {
  capacityPerSecond: number;
  baseLatencyMs: number;
  /** Fraction of the CPU busy at full load: 1 on CPU, less when accelerators do the compute. */
  cpuShareAtCapacity: number;
}

// ---------------------------------------------------------------------------------------------
// Load and latency

function meanLatencyAt(base: number, load: number): number {
  return base * (1 + (QUEUEING_STEEPNESS * load) / (1 - load));
}

function percentileLatencyAt(base: number, load: number, percentile: LatencyLimit["percentile"]) {
  const tail = TAIL[percentile];
  return meanLatencyAt(base, load) * (tail.base + tail.perLoad * load);
}

/** The highest load in [0, ceiling] whose percentile latency stays within the limit. */
function loadWithinLimit(base: number, ceiling: number, limit: LatencyLimit): number {
  const fits = (load: number) =>
    percentileLatencyAt(base, load, limit.percentile) <= limit.valueInMilliseconds;
  if (fits(ceiling)) return ceiling;
  // Bisection over a fixed grid: a stricter percentile can only end lower on the same grid.
  let low = 0;
  let high = ceiling;
  for (let step = 0; step < 40; step++) {
    const middle = (low + high) / 2;
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

interface Operating {
  maxInvocations: number;
  load: number;
  /** Microseconds, integer, as reported. */
  modelLatency: number;
}

/** A duration in milliseconds as the service reports it: whole microseconds, at least 1. */
function reportedMicroseconds(milliseconds: number): number {
  return Math.max(1, Math.round(milliseconds * 1000));
}

/** Where the load test settles: seeded target load, then the latency limit, then the cap. */
function operatingPoint(
  point: ServingPoint,
  targetLoad: number,
  options: ServerlessOptions,
): Operating {
  const limited = options.latencyLimit
    ? loadWithinLimit(point.baseLatencyMs, targetLoad, options.latencyLimit)
    : targetLoad;
  const perMinute = point.capacityPerSecond * 60;
  const cap = capValue(options.maxInvocationsCap);
  const maxInvocations = Math.max(1, Math.min(Math.floor(perMinute * limited), cap));
  // Recompute the load from the integer result so latency and utilization match it.
  const load = Math.min(maxInvocations / perMinute, targetLoad);
  return {
    maxInvocations,
    load,
    modelLatency: reportedMicroseconds(meanLatencyAt(point.baseLatencyMs, load)),
  };
}

/** The cap as a whole number of invocations; no cap is an infinite one. */
function capValue(cap: number | undefined): number {
  if (cap === undefined) return Number.POSITIVE_INFINITY;
  if (!(cap > 0)) throw new RangeError(`maxInvocationsCap must be positive, got ${cap}`);
  return Math.max(1, Math.floor(cap));
}

function checkLatencyLimit(limit: LatencyLimit | undefined): void {
  if (limit && !(limit.valueInMilliseconds > 0 && Number.isFinite(limit.valueInMilliseconds))) {
    throw new RangeError(
      `latency limit must be a positive number, got ${limit.valueInMilliseconds}`,
    );
  }
}

/** The load a Default job's test settles at for this model: between 0.82 and 0.92. */
function targetLoad(profile: ModelProfile, scope: string): number {
  return 0.82 + 0.1 * seededUnit(profile.seed, scope, "target-load");
}

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}

function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** A utilization percent, or NaN for the small share of pairs where AWS reports none. */
function reportedPercent(value: number, ...key: string[]): number {
  if (seededUnit(...key, "not-available") < NOT_AVAILABLE_SHARE) return Number.NaN;
  return roundTo(clampPercent(value), 2);
}

// ---------------------------------------------------------------------------------------------
// Real-time endpoints

function intraOpThreads(spec: InstanceSpec, environment: Record<string, string>): number {
  const requested = Number.parseInt(environment.OMP_NUM_THREADS ?? "", 10);
  const threads =
    Number.isFinite(requested) && requested > 0 ? requested : DEFAULT_INTRA_OP_THREADS;
  return Math.min(threads, spec.vcpu);
}

/** ±5%, fixed for a given environment on a given instance; no environment, no shift. */
function environmentFactor(
  profile: ModelProfile,
  spec: InstanceSpec,
  environment: Record<string, string>,
): number {
  const entries = Object.entries(environment).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return 1;
  const digest = String(fnv1a32(JSON.stringify(entries)));
  return seededFactor(0.1, profile.seed, spec.type, digest, "environment");
}

function cpuServing(spec: InstanceSpec, workload: Workload, threads: number): ServingPoint {
  const speed = cpuSpeed(spec, workload.kind);
  const perRequestMs = workload.overheadMs + workload.computeMs;
  // Trees score one row on one core; deep networks spread a request over several threads.
  const parallel = workload.kind === "deep" ? threads ** INTRA_OP_EXPONENT : 1;
  return {
    capacityPerSecond: (effectiveCores(spec) * speed * 1000) / perRequestMs,
    baseLatencyMs:
      (workload.overheadMs * OVERHEAD_IN_LATENCY + workload.computeMs / parallel) / speed,
    cpuShareAtCapacity: 1,
  };
}

/** Deep compute on the devices, serving overhead on the CPU; the slower side sets capacity. */
function acceleratedServing(spec: InstanceSpec, workload: Workload): ServingPoint {
  const devices = spec.accelerator?.count ?? 0;
  const speed = cpuSpeed(spec, workload.kind);
  const deviceMs = workload.computeMs / acceleratorSpeedup(spec);
  const deviceCapacity = (devices ** DEVICE_SCALING_EXPONENT * 1000) / deviceMs;
  const hostCapacity = (effectiveCores(spec) * speed * 1000) / workload.overheadMs;
  const capacityPerSecond = Math.min(deviceCapacity, hostCapacity);
  return {
    capacityPerSecond,
    baseLatencyMs:
      (workload.overheadMs * OVERHEAD_IN_LATENCY) / speed + deviceMs + ACCELERATOR_TRANSFER_MS,
    cpuShareAtCapacity: capacityPerSecond / hostCapacity,
  };
}

function usesAccelerator(spec: InstanceSpec, workload: Workload): boolean {
  return workload.kind === "deep" && spec.accelerator !== undefined;
}

/** Busy CPU at a load; the agent and OS keep a few percent busy even when idle. */
function realTimeCpuPercent(point: ServingPoint, load: number, ...key: string[]): number {
  const efficiency = 0.9 * seededFactor(0.08, ...key, "cpu-efficiency");
  return IDLE_CPU_PERCENT + load * point.cpuShareAtCapacity * 100 * efficiency;
}

/** Model copies in memory: one per device, per core for trees, per thread group for networks. */
function workerCount(spec: InstanceSpec, workload: Workload, threads: number): number {
  if (usesAccelerator(spec, workload)) return spec.accelerator?.count ?? 1;
  if (workload.kind === "tabular") return spec.vcpu;
  return Math.max(1, Math.floor(spec.vcpu / threads));
}

function realTimeMemoryPercent(
  spec: InstanceSpec,
  workload: Workload,
  threads: number,
  load: number,
): number {
  const perWorker = workload.modelMemoryGiB * MODEL_COPY_OVERHEAD + WORKER_RUNTIME_GIB;
  const used = OS_MEMORY_GIB + workerCount(spec, workload, threads) * perWorker;
  // Request buffers add a little under load.
  return (used / spec.memoryGiB) * 100 + load * REQUEST_BUFFERS_PERCENT_AT_CAPACITY;
}

export function benchmarkRealTime(
  profile: ModelProfile,
  instanceType: InstanceType,
  options: RealTimeOptions = {},
): RealTimeBenchmark {
  checkLatencyLimit(options.latencyLimit);
  const spec = instanceSpec(instanceType);
  const workload = workloadFor(profile);
  const environment = options.environment ?? {};
  const threads = intraOpThreads(spec, environment);
  const serving = usesAccelerator(spec, workload)
    ? acceleratedServing(spec, workload)
    : cpuServing(spec, workload, threads);
  const point: ServingPoint = {
    ...serving,
    capacityPerSecond:
      serving.capacityPerSecond *
      environmentFactor(profile, spec, environment) *
      seededFactor(0.12, profile.seed, spec.type, "capacity"),
    baseLatencyMs: serving.baseLatencyMs * seededFactor(0.1, profile.seed, spec.type, "latency"),
  };
  const operating = operatingPoint(point, targetLoad(profile, spec.type), options);
  const costPerHour = spec.pricePerHourUsd;
  return {
    instanceType,
    ...(spec.estimatedFrom ? { estimatedFrom: spec.estimatedFrom } : {}),
    costPerHour,
    costPerInference: costPerHour / (operating.maxInvocations * 60),
    maxInvocations: operating.maxInvocations,
    modelLatency: operating.modelLatency,
    cpuUtilization: reportedPercent(
      realTimeCpuPercent(point, operating.load, profile.seed, spec.type),
      profile.seed,
      spec.type,
      "cpu",
    ),
    memoryUtilization: reportedPercent(
      realTimeMemoryPercent(spec, workload, threads, operating.load),
      profile.seed,
      spec.type,
      "memory",
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Serverless endpoints

function checkServerlessConfig(config: { memorySizeInMB: number; maxConcurrency: number }): void {
  for (const [name, value] of Object.entries(config)) {
    if (!(value > 0 && Number.isFinite(value))) {
      throw new RangeError(`${name} must be a positive number, got ${value}`);
    }
  }
}

function serverlessServing(
  workload: Workload,
  memoryGiB: number,
  concurrency: number,
): ServingPoint {
  const cores = memoryGiB * SERVERLESS_VCPU_PER_GB;
  const share = Math.min(1, cores);
  const parallel =
    workload.kind === "deep"
      ? Math.max(1, Math.min(cores, DEFAULT_INTRA_OP_THREADS)) ** INTRA_OP_EXPONENT
      : 1;
  // A model that does not fit beside the runtime pages and slows down sharply.
  const fits = workload.modelMemoryGiB * MODEL_COPY_OVERHEAD + SERVERLESS_RUNTIME_GIB <= memoryGiB;
  const latency =
    SERVERLESS_FRONT_END_MS +
    ((workload.overheadMs * OVERHEAD_IN_LATENCY + workload.computeMs / parallel) / share) *
      (fits ? 1 : 3);
  // Each concurrency slot serves one request at a time.
  return {
    capacityPerSecond: (concurrency * 1000) / latency,
    baseLatencyMs: latency,
    cpuShareAtCapacity: 1,
  };
}

function coldStartMs(workload: Workload, memoryGiB: number, seed: string): number {
  const runtime = workload.kind === "deep" ? 2700 : 1200;
  const raw = runtime + 350 * memoryGiB + 2500 * workload.modelMemoryGiB;
  return raw * seededFactor(0.4, seed, "serverless-setup");
}

/** The cold start as reported: microseconds, or NaN for the small share AWS reports none. */
function reportedSetupTime(milliseconds: number, ...key: string[]): number {
  if (seededUnit(...key, "not-available") < NOT_AVAILABLE_SHARE) return Number.NaN;
  return reportedMicroseconds(milliseconds);
}

export function benchmarkServerless(
  profile: ModelProfile,
  config: { memorySizeInMB: number; maxConcurrency: number },
  options: ServerlessOptions = {},
): ServerlessBenchmark {
  checkServerlessConfig(config);
  checkLatencyLimit(options.latencyLimit);
  const workload = workloadFor(profile);
  const memoryGiB = config.memorySizeInMB / 1024;
  const scope = `serverless-${config.memorySizeInMB}`;
  const serving = serverlessServing(workload, memoryGiB, config.maxConcurrency);
  const point: ServingPoint = {
    ...serving,
    baseLatencyMs: serving.baseLatencyMs * seededFactor(0.1, profile.seed, scope, "latency"),
  };
  const operating = operatingPoint(point, targetLoad(profile, scope), options);
  // Billing counts processing time, rounded up to the millisecond, not time spent queueing.
  const billedSecondsPerHour =
    (operating.maxInvocations * 60 * Math.ceil(point.baseLatencyMs)) / 1000;
  const costPerHour = billedSecondsPerHour * memoryGiB * SERVERLESS_PRICE_PER_GB_SECOND_USD;
  const used = SERVERLESS_RUNTIME_GIB + workload.modelMemoryGiB * MODEL_COPY_OVERHEAD;
  return {
    memorySizeInMB: config.memorySizeInMB,
    maxConcurrency: config.maxConcurrency,
    costPerHour,
    costPerInference: costPerHour / (operating.maxInvocations * 60),
    maxInvocations: operating.maxInvocations,
    modelLatency: operating.modelLatency,
    modelSetupTime: reportedSetupTime(
      coldStartMs(workload, memoryGiB, profile.seed),
      profile.seed,
      scope,
      "setup",
    ),
    memoryUtilization: reportedPercent((used / memoryGiB) * 100, profile.seed, scope, "memory"),
    cpuUtilization: Number.NaN,
  };
}

// ---------------------------------------------------------------------------------------------
// Default candidates

// Hand-picked spreads, in the order a Default job benchmarks them: common general-purpose and
// compute types first, then newer and arm64 ones, then larger sizes.
const TABULAR_CANDIDATES: readonly ListedInstanceType[] = [
  "ml.c5.xlarge",
  "ml.m5.xlarge",
  "ml.c6i.xlarge",
  "ml.c7g.xlarge",
  "ml.m5.large",
  "ml.c5.2xlarge",
  "ml.c6g.xlarge",
  "ml.m6g.xlarge",
  "ml.r5.large",
  "ml.c7i.xlarge",
  "ml.m7i.xlarge",
  "ml.c5.large",
  "ml.m6i.xlarge",
  "ml.c8g.xlarge",
  "ml.c6i.2xlarge",
  "ml.m5.2xlarge",
];
const LIGHT_DEEP_CANDIDATES: readonly ListedInstanceType[] = [
  "ml.c5.2xlarge",
  "ml.g4dn.xlarge",
  "ml.inf1.xlarge",
  "ml.c6i.2xlarge",
  "ml.m5.2xlarge",
  "ml.c7g.2xlarge",
  "ml.g5.xlarge",
  "ml.inf2.xlarge",
  "ml.c5.4xlarge",
  "ml.g6.xlarge",
  "ml.c7i.2xlarge",
  "ml.m6i.2xlarge",
];
const HEAVY_DEEP_CANDIDATES: readonly ListedInstanceType[] = [
  "ml.g4dn.xlarge",
  "ml.g5.xlarge",
  "ml.inf2.xlarge",
  "ml.c5.4xlarge",
  "ml.g6.xlarge",
  "ml.inf1.xlarge",
  "ml.c6i.4xlarge",
  "ml.g4dn.2xlarge",
  "ml.p3.2xlarge",
  "ml.g5.2xlarge",
  "ml.c7i.4xlarge",
  "ml.m5.4xlarge",
];
const LARGE_MODEL_CANDIDATES: readonly ListedInstanceType[] = [
  "ml.g5.2xlarge",
  "ml.g6.2xlarge",
  "ml.g5.12xlarge",
  "ml.inf2.8xlarge",
  "ml.g6e.xlarge",
  "ml.g6.12xlarge",
  "ml.p4d.24xlarge",
  "ml.g6e.2xlarge",
  "ml.inf2.24xlarge",
  "ml.p3.8xlarge",
];

const HEAVY_COMPUTE_MS = 60;
const LARGE_MODEL_GIB = 4;

function preferredCandidates(workload: Workload): readonly ListedInstanceType[] {
  if (workload.kind === "tabular") return TABULAR_CANDIDATES;
  if (workload.modelMemoryGiB >= LARGE_MODEL_GIB) return LARGE_MODEL_CANDIDATES;
  return workload.computeMs >= HEAVY_COMPUTE_MS ? HEAVY_DEEP_CANDIDATES : LIGHT_DEEP_CANDIDATES;
}

/**
 * What a Default job benchmarks when the spec names no EndpointConfigurations: the spread for the
 * kind of model, then, when more are asked for, the remaining types from the cheapest per
 * inference. At most every catalog type; a count below 1 gives none.
 */
export function defaultCandidateTypes(profile: ModelProfile, count: number): ListedInstanceType[] {
  const wanted = Math.min(Math.max(0, Math.floor(count)), INSTANCE_TYPES.length);
  const preferred = preferredCandidates(workloadFor(profile));
  if (wanted <= preferred.length) return preferred.slice(0, wanted);
  const chosen = new Set<ListedInstanceType>(preferred);
  const rest = INSTANCE_TYPES.filter((type) => !chosen.has(type))
    .map((type) => ({ type, cost: benchmarkRealTime(profile, type).costPerInference }))
    .sort((a, b) => a.cost - b.cost || (a.type < b.type ? -1 : 1))
    .map(({ type }) => type);
  return [...preferred, ...rest].slice(0, wanted);
}
