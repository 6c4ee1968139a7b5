/**
 * The decision on an AI recommendation job (docs/decision.md, "LLM jobs"): each recommendation
 * becomes an entry (instance type, count, copies per instance, its expected performance), sized
 * for the policy's load, priced, checked against every constraint and ranked by the objective.
 * A pure function: the same response and policy always give the same decision, whatever the order
 * of the recommendations.
 */
import * as z from "zod";
import { HOURS_PER_MONTH } from "../../decision/entry.ts";
import { inFamily } from "../../decision/policy.ts";
import { compareLlmWithProduction, llmComparisonSchema } from "./compare.ts";
import { type Figures, METRICS, type PerformanceRow, readPerformance, STATS } from "./metrics.ts";
import { LATENCY_STATS, LLM_OBJECTIVES, type LlmPolicy, objectiveOf } from "./policy.ts";

const instanceSchema = z.looseObject({
  InstanceType: z.string().optional(),
  InstanceCount: z.number().optional(),
  CopyCountPerInstance: z.number().optional(),
});

const recommendationSchema = z.looseObject({
  RecommendationDescription: z.string().optional(),
  OptimizationDetails: z
    .array(z.looseObject({ OptimizationType: z.string().optional() }))
    .optional(),
  ModelDetails: z
    .looseObject({
      ModelPackageArn: z.string().optional(),
      InstanceDetails: z.array(instanceSchema).optional(),
    })
    .optional(),
  DeploymentConfiguration: instanceSchema
    .extend({
      ImageUri: z.string().optional(),
      EnvironmentVariables: z.record(z.string(), z.string()).optional(),
      S3: z.array(z.looseObject({ ChannelName: z.string(), Uri: z.string() })).optional(),
    })
    .optional(),
  ExpectedPerformance: z
    .array(
      z.looseObject({
        Metric: z.string().optional(),
        Stat: z.string().optional(),
        Value: z.union([z.string(), z.number()]).optional(),
        Unit: z.string().optional(),
      }),
    )
    .optional(),
});

/** The part of a DescribeAIRecommendationJob response the decision reads. */
export const aiRecommendationJobSchema = z.looseObject({
  AIRecommendationJobName: z.string(),
  AIRecommendationJobStatus: z.string(),
  FailureReason: z.string().optional(),
  Recommendations: z.array(recommendationSchema).optional(),
});
export type AiRecommendationJob = z.output<typeof aiRecommendationJobSchema>;

/** Whether a saved response is a DescribeAIRecommendationJob answer, by its shape. */
export function isAiRecommendationJob(response: unknown): boolean {
  return (
    typeof response === "object" &&
    response !== null &&
    "AIRecommendationJobName" in response &&
    "AIRecommendationJobStatus" in response
  );
}

const figure = z.number().optional();

/** Where an instance type's price came from (docs/decision.md, "LLM jobs"). */
export const PRICE_SOURCES = ["policy", "price-list", "unknown"] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** A price the AWS Price List gave (src/kinds/ai-recommendation/prices.ts), by instance type. */
export const listedPriceSchema = z.strictObject({
  pricePerHour: z.number().positive(),
  source: z.literal("price-list"),
});
export type ListedPrice = z.output<typeof listedPriceSchema>;
export type ListedPrices = Readonly<Record<string, ListedPrice>>;

export const llmPriceSchema = z.strictObject({
  instanceType: z.string(),
  /** US dollars per instance-hour; absent when unknown. */
  pricePerHour: figure,
  source: z.enum(PRICE_SOURCES),
});
export type LlmPrice = z.output<typeof llmPriceSchema>;

export const llmMetricsSchema = z.strictObject({
  /** At the policy's latencyStat. */
  ttftMs: figure,
  interTokenLatencyMs: figure,
  requestLatencyMs: figure,
  /** Averages for the whole recommended configuration. */
  requestsPerSecond: figure,
  outputTokensPerSecond: figure,
});
export type LlmMetrics = z.output<typeof llmMetricsSchema>;

const figuresSchema = z.partialRecord(
  z.enum(METRICS),
  z.partialRecord(z.enum(STATS), z.number()),
) as z.ZodType<Figures>;

export const llmEntrySchema = z.strictObject({
  id: z.string(),
  instanceType: z.string(),
  /** The fleet irflow proposes, sized for the load. */
  instanceCount: z.number().int(),
  /** The configuration SageMaker benchmarked. */
  benchmarkedCount: z.number().int(),
  copiesPerInstance: z.number().int(),
  pricePerHour: figure,
  priceSource: z.enum(PRICE_SOURCES),
  monthlyCost: figure,
  costPerMillionTokens: figure,
  metrics: llmMetricsSchema,
  figures: figuresSchema,
  optimizations: z.array(z.string()),
  imageUri: z.string().optional(),
  environment: z.record(z.string(), z.string()).optional(),
  s3Channels: z.array(z.strictObject({ channelName: z.string(), uri: z.string() })).optional(),
  modelPackageArn: z.string().optional(),
  notes: z.array(z.string()),
});
export type LlmEntry = z.output<typeof llmEntrySchema>;

export const LLM_RULES = [
  "max-ttft",
  "max-inter-token-latency",
  "max-request-latency",
  "max-monthly-cost",
  "max-instances",
  "instance-family",
  "excluded-family",
  "missing-metric",
  "price-unknown",
] as const;
export type LlmRule = (typeof LLM_RULES)[number];

export const llmRejectionSchema = z.strictObject({
  entry: llmEntrySchema,
  rule: z.enum(LLM_RULES),
  message: z.string(),
  /** Every rule it breaks, the first above. */
  rules: z.array(z.enum(LLM_RULES)),
});
export type LlmRejection = z.output<typeof llmRejectionSchema>;

export const llmRelaxationSchema = z.strictObject({
  field: z.string(),
  /** The value that admits the first entry. */
  value: z.number(),
  sentence: z.string(),
});
export type LlmRelaxation = z.output<typeof llmRelaxationSchema>;

export const llmDecisionSchema = z.strictObject({
  kind: z.literal("ai-recommendation"),
  outcome: z.enum(["selected", "unsatisfiable", "failed"]),
  job: z.strictObject({
    jobName: z.string(),
    status: z.string(),
    failureReason: z.string().optional(),
  }),
  objective: z.enum(LLM_OBJECTIVES),
  latencyStat: z.enum(LATENCY_STATS),
  selected: llmEntrySchema.optional(),
  ranked: z.array(llmEntrySchema),
  rejected: z.array(llmRejectionSchema),
  relaxations: z.array(llmRelaxationSchema),
  /** The price of each instance type the entries name, with its source; by instance type. */
  prices: z.array(llmPriceSchema).optional(),
  notes: z.array(z.string()),
  /** How many entries of each list were cut to keep a record or an event small. */
  omitted: z.strictObject({ ranked: z.number().int(), rejected: z.number().int() }).optional(),
  /** The proposal against the policy's `current` production configuration, when it gives one. */
  comparison: llmComparisonSchema.optional(),
});
export type LlmDecision = z.output<typeof llmDecisionSchema>;

const round = (value: number) => Math.round(value * 1000) / 1000;

/** The policy's price, else the Price List's, else none. */
export function priceOf(type: string, policy: LlmPolicy, listed: ListedPrices): LlmPrice {
  const own = policy.prices?.[type];
  if (own !== undefined) return { instanceType: type, pricePerHour: own, source: "policy" };
  const found = Object.hasOwn(listed, type) ? listed[type] : undefined;
  if (found) return { instanceType: type, pricePerHour: found.pricePerHour, source: found.source };
  return { instanceType: type, source: "unknown" };
}

/** The configuration a recommendation deploys: its deployment's, else its model's first. */
function instanceOf(recommendation: z.output<typeof recommendationSchema>) {
  const deployment = recommendation.DeploymentConfiguration;
  return deployment?.InstanceType ? deployment : recommendation.ModelDetails?.InstanceDetails?.[0];
}

function entryOf(
  recommendation: z.output<typeof recommendationSchema>,
  policy: LlmPolicy,
  listed: ListedPrices,
): LlmEntry | undefined {
  const deployment = recommendation.DeploymentConfiguration;
  const instance = instanceOf(recommendation);
  if (!instance?.InstanceType) return undefined;
  const benchmarkedCount = instance.InstanceCount ?? 1;
  const copiesPerInstance = instance.CopyCountPerInstance ?? 1;
  const read = readPerformance((recommendation.ExpectedPerformance ?? []) as PerformanceRow[]);
  const at = policy.latencyStat;
  const metrics: LlmMetrics = {
    ttftMs: read.figures.ttft?.[at],
    interTokenLatencyMs: read.figures.interTokenLatency?.[at],
    requestLatencyMs: read.figures.requestLatency?.[at],
    requestsPerSecond: read.figures.requestThroughput?.avg,
    outputTokensPerSecond: read.figures.outputTokenThroughput?.avg,
  };
  const optimizations = (recommendation.OptimizationDetails ?? []).flatMap((item) =>
    item.OptimizationType ? [item.OptimizationType] : [],
  );
  const priced = priceOf(instance.InstanceType, policy, listed);
  const price = priced.pricePerHour;
  const sized = fleetSize(policy, benchmarkedCount, metrics);
  const instanceCount = sized ?? benchmarkedCount;
  return {
    // The same configuration always gets the same id, whatever the response's order.
    id: [instance.InstanceType, benchmarkedCount, copiesPerInstance, ...optimizations].join(":"),
    instanceType: instance.InstanceType,
    instanceCount,
    benchmarkedCount,
    copiesPerInstance,
    pricePerHour: price,
    priceSource: priced.source,
    monthlyCost: price === undefined ? undefined : round(instanceCount * price * HOURS_PER_MONTH),
    costPerMillionTokens:
      price !== undefined && metrics.outputTokensPerSecond
        ? round(((price * benchmarkedCount) / (metrics.outputTokensPerSecond * 3600)) * 1_000_000)
        : undefined,
    metrics,
    figures: read.figures,
    optimizations,
    imageUri: deployment?.ImageUri,
    environment: deployment?.EnvironmentVariables,
    ...(deployment?.S3
      ? {
          s3Channels: deployment.S3.map((channel) => ({
            channelName: channel.ChannelName,
            uri: channel.Uri,
          })),
        }
      : {}),
    modelPackageArn: recommendation.ModelDetails?.ModelPackageArn,
    notes: read.notes,
  };
}

/**
 * Instances for the load: the configuration's throughput per instance against the load with its
 * headroom. Undefined when the load needs a throughput the entry lacks.
 */
function fleetSize(policy: LlmPolicy, count: number, metrics: LlmMetrics): number | undefined {
  const load =
    policy.requestsPerSecond !== undefined
      ? { demand: policy.requestsPerSecond, capacity: metrics.requestsPerSecond }
      : policy.outputTokensPerSecond !== undefined
        ? { demand: policy.outputTokensPerSecond, capacity: metrics.outputTokensPerSecond }
        : undefined;
  if (!load) return Math.max(policy.minInstances, count);
  if (!load.capacity || load.capacity <= 0) return undefined;
  const perInstance = load.capacity / count;
  return Math.max(
    policy.minInstances,
    Math.ceil((load.demand * (1 + policy.headroom)) / perInstance),
  );
}

interface Broken {
  rule: LlmRule;
  message: string;
  /** For a numeric limit: the value the limit would need to admit the entry. */
  needs?: { field: string; value: number };
}

function brokenRules(entry: LlmEntry, policy: LlmPolicy): Broken[] {
  const objective = objectiveOf(policy);
  const broken: Broken[] = [];
  const missing = (metric: string, why: string) =>
    broken.push({ rule: "missing-metric", message: `has no ${metric}, which ${why} needs` });
  const loadMetric =
    policy.requestsPerSecond !== undefined
      ? "RequestThroughput avg"
      : policy.outputTokensPerSecond !== undefined
        ? "OutputTokenThroughput avg"
        : undefined;
  if (loadMetric && fleetSize(policy, entry.benchmarkedCount, entry.metrics) === undefined) {
    missing(loadMetric, "sizing for the load");
  }
  const limits: [
    keyof LlmMetrics,
    "maxTtftMs" | "maxInterTokenLatencyMs" | "maxRequestLatencyMs",
    LlmRule,
    string,
  ][] = [
    ["ttftMs", "maxTtftMs", "max-ttft", "TTFT"],
    [
      "interTokenLatencyMs",
      "maxInterTokenLatencyMs",
      "max-inter-token-latency",
      "inter-token latency",
    ],
    ["requestLatencyMs", "maxRequestLatencyMs", "max-request-latency", "request latency"],
  ];
  for (const [metric, field, rule, label] of limits) {
    const limit = policy[field];
    if (limit === undefined) continue;
    const value = entry.metrics[metric];
    if (value === undefined) missing(`${label} ${policy.latencyStat}`, field);
    else if (value > limit) {
      broken.push({
        rule,
        message: `${label} ${policy.latencyStat} ${round(value)} ms is above ${field} ${limit} ms`,
        needs: { field, value: round(value) },
      });
    }
  }
  if (objective === "ttft" && entry.metrics.ttftMs === undefined) {
    missing(`TTFT ${policy.latencyStat}`, "the ttft objective");
  }
  if (objective === "throughput" && entry.metrics.outputTokensPerSecond === undefined) {
    missing("OutputTokenThroughput avg", "the throughput objective");
  }
  const needsCost =
    objective === "monthly-cost" ||
    objective === "cost-per-million-tokens" ||
    policy.maxMonthlyCost !== undefined;
  if (needsCost && entry.pricePerHour === undefined) {
    broken.push({
      rule: "price-unknown",
      message: `has no price for ${entry.instanceType} (neither policy.prices nor the AWS Price List gave one), and the ${policy.maxMonthlyCost !== undefined ? "maxMonthlyCost limit" : "objective"} needs a cost`,
    });
  }
  if (
    objective === "cost-per-million-tokens" &&
    entry.pricePerHour !== undefined &&
    entry.costPerMillionTokens === undefined
  ) {
    missing("OutputTokenThroughput avg", "the cost-per-million-tokens objective");
  }
  if (
    policy.maxMonthlyCost !== undefined &&
    entry.monthlyCost !== undefined &&
    entry.monthlyCost > policy.maxMonthlyCost
  ) {
    broken.push({
      rule: "max-monthly-cost",
      message: `costs $${entry.monthlyCost}/month, above maxMonthlyCost $${policy.maxMonthlyCost}`,
      needs: { field: "maxMonthlyCost", value: entry.monthlyCost },
    });
  }
  if (policy.maxInstances !== undefined && entry.instanceCount > policy.maxInstances) {
    broken.push({
      rule: "max-instances",
      message: `needs ${entry.instanceCount} instances, above maxInstances ${policy.maxInstances}`,
      needs: { field: "maxInstances", value: entry.instanceCount },
    });
  }
  if (
    policy.instanceFamilies &&
    !policy.instanceFamilies.some((family) => inFamily(entry.instanceType, family))
  ) {
    broken.push({
      rule: "instance-family",
      message: `${entry.instanceType} is in none of instanceFamilies`,
    });
  }
  if (policy.excludeInstanceFamilies?.some((family) => inFamily(entry.instanceType, family))) {
    broken.push({
      rule: "excluded-family",
      message: `${entry.instanceType} is in excludeInstanceFamilies`,
    });
  }
  return broken;
}

/** The objective's figure, lower is better (throughput negated); undefined sorts last. */
function score(entry: LlmEntry, objective: ReturnType<typeof objectiveOf>): number | undefined {
  switch (objective) {
    case "monthly-cost":
      return entry.monthlyCost;
    case "cost-per-million-tokens":
      return entry.costPerMillionTokens;
    case "ttft":
      return entry.metrics.ttftMs;
    case "throughput":
      return entry.metrics.outputTokensPerSecond === undefined
        ? undefined
        : -entry.metrics.outputTokensPerSecond;
  }
}

const compareNumbers = (a: number | undefined, b: number | undefined) =>
  a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a - b;
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Best first by the objective; ties by monthly cost, then TTFT, then the configuration's id. */
function ranking(objective: ReturnType<typeof objectiveOf>) {
  return (a: LlmEntry, b: LlmEntry) =>
    compareNumbers(score(a, objective), score(b, objective)) ||
    compareNumbers(a.monthlyCost, b.monthlyCost) ||
    compareNumbers(a.metrics.ttftMs, b.metrics.ttftMs) ||
    compareText(a.id, b.id);
}

/**
 * `listed` holds the Price List's prices by instance type (none by default, as `irflow decide`
 * has no AWS access); a price in the policy always wins over it.
 */
export function decideAiRecommendation(
  job: AiRecommendationJob,
  policy: LlmPolicy,
  listed: ListedPrices = {},
): LlmDecision {
  const objective = objectiveOf(policy);
  const base = {
    kind: "ai-recommendation" as const,
    job: {
      jobName: job.AIRecommendationJobName,
      status: job.AIRecommendationJobStatus,
      ...(job.FailureReason ? { failureReason: job.FailureReason } : {}),
    },
    objective,
    latencyStat: policy.latencyStat,
  };
  if (job.AIRecommendationJobStatus !== "Completed") {
    return {
      ...base,
      outcome: "failed",
      ranked: [],
      rejected: [],
      relaxations: [],
      notes: [`the job ended ${job.AIRecommendationJobStatus}, so there is nothing to decide on`],
    };
  }
  const notes: string[] = [];
  const entries = (job.Recommendations ?? []).flatMap((recommendation, index) => {
    const entry = entryOf(recommendation, policy, listed);
    if (!entry) notes.push(`recommendation ${index + 1} names no instance type: left out`);
    return entry ? [entry] : [];
  });
  const order = ranking(objective);
  const ranked: LlmEntry[] = [];
  const rejected: (LlmRejection & { broken: Broken[] })[] = [];
  for (const entry of [...entries].sort(order)) {
    const broken = brokenRules(entry, policy);
    const [first] = broken;
    if (!first) ranked.push(entry);
    else
      rejected.push({
        entry,
        rule: first.rule,
        message: first.message,
        rules: broken.map((item) => item.rule),
        broken,
      });
  }
  const selected = ranked[0];
  const outcome = selected ? "selected" : "unsatisfiable";
  const comparison = compareLlmWithProduction(
    policy,
    { outcome, selected },
    (instanceType) => priceOf(instanceType, policy, listed).pricePerHour,
  );
  return {
    ...base,
    outcome,
    selected,
    ranked,
    rejected: rejected.map(({ broken: _broken, ...rejection }) => rejection),
    relaxations: selected ? [] : relaxations(rejected),
    prices: [...new Set(entries.map((entry) => entry.instanceType))]
      .sort(compareText)
      .map((type) => priceOf(type, policy, listed)),
    notes,
    ...(comparison ? { comparison } : {}),
  };
}

/** The instance types a job's recommendations name, each once, in order. */
export function instanceTypesOf(job: AiRecommendationJob): string[] {
  const types = (job.Recommendations ?? []).flatMap((recommendation) => {
    const type = instanceOf(recommendation)?.InstanceType;
    return type ? [type] : [];
  });
  return [...new Set(types)];
}

/**
 * When nothing is feasible: for each numeric limit, the smallest value that admits an entry that
 * breaks that limit alone.
 */
function relaxations(rejected: readonly { broken: Broken[] }[]): LlmRelaxation[] {
  const best = new Map<string, number>();
  for (const { broken } of rejected) {
    const [only, ...more] = broken;
    if (!only?.needs || more.length > 0) continue;
    const current = best.get(only.needs.field);
    if (current === undefined || only.needs.value < current)
      best.set(only.needs.field, only.needs.value);
  }
  return [...best.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([field, value]) => ({
      field,
      value,
      sentence: `${field} ${value} would admit a configuration`,
    }));
}

/** The decision with its lists cut to `maxItems` each, saying how many were cut. */
export function capLlmDecision(decision: LlmDecision, maxItems: number): LlmDecision {
  const ranked = decision.ranked.slice(0, maxItems);
  const rejected = decision.rejected.slice(0, maxItems);
  const omitted = {
    ranked: (decision.omitted?.ranked ?? 0) + decision.ranked.length - ranked.length,
    rejected: (decision.omitted?.rejected ?? 0) + decision.rejected.length - rejected.length,
  };
  if (omitted.ranked === 0 && omitted.rejected === 0) return decision;
  return { ...decision, ranked, rejected, omitted };
}
