/**
 * Reads a saved DescribeInferenceRecommendationsJob response into the job the decision works on.
 *
 * Accepted as the AWS CLI prints it (timestamps as ISO strings), as the service sends it
 * (timestamps as epoch seconds) or as the AWS SDK returns it (Date objects); older revisions (no
 * ModelName, no STAIRS, no EndpointPerformances) read the same, and fields the parser does not use
 * are ignored. NaN metrics arrive as the string "NaN" (JSON) or the number NaN (SDK); both mean
 * "not available" and become absent, with the metric's name kept in `unavailableMetrics`.
 * Every problem is reported with its path, never thrown.
 */
import * as z from "zod";
import { canonicalJson } from "../spec/canonical.ts";
import { compareText, describeInput, type Parsed, toDecisionIssues, typeError } from "./issues.ts";
import { ENDPOINT_TYPES } from "./policy.ts";

export const JOB_STATUSES = [
  "PENDING",
  "IN_PROGRESS",
  "COMPLETED",
  "FAILED",
  "STOPPING",
  "STOPPED",
  "DELETING",
  "DELETED",
] as const;
export const JOB_TYPES = ["Default", "Advanced"] as const;

// Values as the three sources write them -------------------------------------------------------

const NON_FINITE = new Set(["NaN", "Infinity", "-Infinity"]);

/** A metric: a number, NaN (number or string) for "not available", or absent. */
const metric = z
  .unknown()
  .transform((input, context): number | undefined => {
    if (input === undefined || input === null) return undefined;
    if (typeof input === "number") return input;
    if (typeof input === "string" && NON_FINITE.has(input)) return Number.NaN;
    context.addIssue({
      code: "custom",
      params: { rule: "type" },
      message: `must be a number or "NaN"; got ${describeInput(input)}`,
    });
    return z.NEVER;
  })
  .optional();

/** Epoch values this large are milliseconds (epoch seconds reach 1e11 only in the year 5138). */
const EPOCH_MILLISECONDS_FROM = 1e11;

/** A timestamp: ISO string (CLI), epoch seconds (service JSON) or a Date (SDK), as ISO text. */
const timestamp = z
  .unknown()
  .transform((input, context): string | undefined => {
    if (input === undefined || input === null) return undefined;
    let time = Number.NaN;
    if (input instanceof Date) time = input.getTime();
    else if (typeof input === "string") time = Date.parse(input);
    else if (typeof input === "number" && Number.isFinite(input)) {
      time = input >= EPOCH_MILLISECONDS_FROM ? input : input * 1000;
    }
    if (Number.isNaN(time)) {
      context.addIssue({
        code: "custom",
        params: { rule: "timestamp" },
        message: `must be an ISO 8601 time, epoch seconds or a Date; got ${
          typeof input === "string" ? JSON.stringify(input) : describeInput(input)
        }`,
      });
      return z.NEVER;
    }
    return new Date(time).toISOString();
  })
  .optional();

const text = () => z.string({ error: typeError("a string") });
const integer = () => z.number({ error: typeError("a number") });
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: typeError("an array") });
const record = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.object(shape, { error: typeError("an object") });

// The response, as far as the decision reads it ---------------------------------------------------

const endpointConfiguration = record({
  EndpointName: text().optional(),
  VariantName: text().optional(),
  InstanceType: text().optional(),
  InitialInstanceCount: integer().optional(),
  ServerlessConfig: record({
    MemorySizeInMB: integer().optional(),
    MaxConcurrency: integer().optional(),
  }).optional(),
});

const recommendation = record({
  RecommendationId: text().optional(),
  Metrics: record({
    CostPerHour: metric,
    CostPerInference: metric,
    MaxInvocations: metric,
    /** The spelling of AWS's own example response in the developer guide. */
    MaximumInvocations: metric,
    ModelLatency: metric,
    CpuUtilization: metric,
    MemoryUtilization: metric,
    ModelSetupTime: metric,
  }).optional(),
  EndpointConfiguration: endpointConfiguration.optional(),
  ModelConfiguration: record({
    InferenceSpecificationName: text().optional(),
    EnvironmentParameters: list(
      record({ Key: text(), ValueType: text().optional(), Value: text().optional() }),
    ).optional(),
    CompilationJobName: text().optional(),
  }).optional(),
  InvocationStartTime: timestamp,
  InvocationEndTime: timestamp,
});

const endpointPerformance = record({
  Metrics: record({ MaxInvocations: metric, ModelLatency: metric }).optional(),
  EndpointInfo: record({ EndpointName: text().optional() }).optional(),
});

const phase = record({
  InitialNumberOfUsers: integer().optional(),
  SpawnRate: integer().optional(),
  DurationInSeconds: integer().optional(),
});

export const describeResponseSchema = record({
  JobName: text(),
  JobDescription: text().optional(),
  JobType: z.enum(JOB_TYPES, {
    error: (issue) => (issue.input === undefined ? "is required" : `must be Default or Advanced`),
  }),
  JobArn: text().optional(),
  RoleArn: text().optional(),
  Status: z.enum(JOB_STATUSES, {
    error: (issue) =>
      issue.input === undefined
        ? "is required"
        : `must be one of ${JOB_STATUSES.join(", ")}; got ${JSON.stringify(issue.input)}`,
  }),
  CreationTime: timestamp,
  CompletionTime: timestamp,
  LastModifiedTime: timestamp,
  FailureReason: text().optional(),
  InputConfig: record({
    ModelPackageVersionArn: text().optional(),
    ModelName: text().optional(),
    JobDurationInSeconds: integer().optional(),
    TrafficPattern: record({
      TrafficType: text().optional(),
      Phases: list(phase).optional(),
      Stairs: record({
        DurationInSeconds: integer().optional(),
        NumberOfSteps: integer().optional(),
        UsersPerStep: integer().optional(),
      }).optional(),
    }).optional(),
    Endpoints: list(record({ EndpointName: text().optional() })).optional(),
  }).optional(),
  StoppingConditions: record({
    MaxInvocations: integer().optional(),
    ModelLatencyThresholds: list(
      record({ Percentile: text().optional(), ValueInMilliseconds: integer().optional() }),
    ).optional(),
  }).optional(),
  InferenceRecommendations: list(recommendation).optional(),
  EndpointPerformances: list(endpointPerformance).optional(),
});

type DescribeResponse = z.output<typeof describeResponseSchema>;

// The normalized job -----------------------------------------------------------------------------

const optionalNumber = () => z.number().optional();

export const recommendationMetricsSchema = z.object({
  costPerHour: optionalNumber(),
  costPerInference: optionalNumber(),
  /** Requests per minute one instance (or the serverless endpoint) sustains. */
  maxInvocations: optionalNumber(),
  /** As reported, in the job's latency unit (see latency-unit.ts). */
  modelLatency: optionalNumber(),
  cpuUtilization: optionalNumber(),
  memoryUtilization: optionalNumber(),
  /** As reported, in the job's latency unit (see latency-unit.ts). */
  modelSetupTime: optionalNumber(),
});

/**
 * An entry's environment variables as name/value pairs in the order the job reported them, one per
 * name. A list, not an object, so any name survives every step (a `__proto__` or `constructor`
 * key is lost or breaks marshalling in an object). Records written with the object form read the same.
 */
export const environmentSchema = z.preprocess(
  (value) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.entries(value).map(([key, item]) => ({ key, value: item }))
      : value,
  z.array(z.strictObject({ key: z.string(), value: z.string() })),
);
export type Environment = z.output<typeof environmentSchema>;

/** The environment of EnvironmentParameters: the last value of a name repeated wins, at its first place. */
export function environmentOf(
  parameters: readonly { Key: string; Value?: string | undefined }[],
): Environment {
  const values = new Map<string, string>();
  for (const parameter of parameters) values.set(parameter.Key, parameter.Value ?? "");
  return [...values].map(([key, value]) => ({ key, value }));
}

export const normalizedRecommendationSchema = z.object({
  /** RecommendationId, or one derived from the configuration when the response has none. */
  recommendationId: z.string(),
  endpointType: z.enum(ENDPOINT_TYPES),
  instanceType: z.string().optional(),
  /** InitialInstanceCount as the job reported it (the benchmark's count, not irflow's sizing). */
  jobInstanceCount: z.number().optional(),
  serverless: z
    .object({ memorySizeInMB: z.number().optional(), maxConcurrency: z.number().optional() })
    .optional(),
  environment: environmentSchema,
  endpointName: z.string().optional(),
  variantName: z.string().optional(),
  compilationJobName: z.string().optional(),
  metrics: recommendationMetricsSchema,
  /** Metrics the job reported as NaN (not available). */
  unavailableMetrics: z.array(z.string()),
  invocationStartTime: z.string().optional(),
  invocationEndTime: z.string().optional(),
});

export const endpointPerformanceSchema = z.object({
  endpointName: z.string().optional(),
  maxInvocations: optionalNumber(),
  /** As reported, in the job's latency unit. */
  modelLatency: optionalNumber(),
  unavailableMetrics: z.array(z.string()),
});

export const normalizedJobSchema = z.object({
  jobName: z.string(),
  jobType: z.enum(JOB_TYPES),
  status: z.enum(JOB_STATUSES),
  jobArn: z.string().optional(),
  /** From the job ARN. */
  region: z.string().optional(),
  failureReason: z.string().optional(),
  creationTime: z.string().optional(),
  completionTime: z.string().optional(),
  lastModifiedTime: z.string().optional(),
  /** Most concurrent users the traffic pattern reaches (Advanced jobs with a pattern). */
  trafficPeakUsers: z.number().optional(),
  latencyThreshold: z
    .object({ percentile: z.string().optional(), valueInMilliseconds: z.number() })
    .optional(),
  /** StoppingConditions.MaxInvocations. */
  maxInvocationsCondition: z.number().optional(),
  /** Existing endpoints the job benchmarked (InputConfig.Endpoints). */
  benchmarkedEndpoints: z.array(z.string()),
  recommendations: z.array(normalizedRecommendationSchema),
  endpointPerformances: z.array(endpointPerformanceSchema),
});

export type RecommendationMetrics = z.output<typeof recommendationMetricsSchema>;
export type NormalizedRecommendation = z.output<typeof normalizedRecommendationSchema>;
export type EndpointPerformance = z.output<typeof endpointPerformanceSchema>;
export type NormalizedJob = z.output<typeof normalizedJobSchema>;

/** Reads a Describe response (parsed JSON, or the SDK's output object). Never throws. */
export function parseDescribeResponse(input: unknown): Parsed<NormalizedJob> {
  const parsed = describeResponseSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, issues: toDecisionIssues(parsed.error, "(response)") };
  }
  return { ok: true, value: normalizeJob(parsed.data) };
}

/**
 * JSON text as the AWS CLI may write it: Python's encoder prints a NaN float as a bare `NaN`
 * (and infinities as `Infinity`), which JSON.parse refuses. Those tokens outside strings are read
 * as the strings "NaN", "Infinity" and "-Infinity"; anything else is plain JSON. Throws
 * SyntaxError for text that is not JSON even so.
 */
export function readDescribeJson(textInput: string): unknown {
  let out = "";
  let inString = false;
  for (let index = 0; index < textInput.length; index += 1) {
    const char = textInput[index];
    if (inString) {
      out += char;
      if (char === "\\") {
        out += textInput[index + 1] ?? "";
        index += 1;
      } else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
      continue;
    }
    const token = ["-Infinity", "Infinity", "NaN"].find((word) =>
      textInput.startsWith(word, index),
    );
    if (token) {
      out += JSON.stringify(token);
      index += token.length - 1;
      continue;
    }
    out += char;
  }
  return JSON.parse(out);
}

function normalizeJob(response: DescribeResponse): NormalizedJob {
  const threshold = response.StoppingConditions?.ModelLatencyThresholds?.find(
    (item) => item.ValueInMilliseconds !== undefined,
  );
  const region = response.JobArn?.split(":")[3];
  const peakUsers =
    response.JobType === "Advanced" ? trafficPeakUsers(response.InputConfig) : undefined;
  return {
    jobName: response.JobName,
    jobType: response.JobType,
    status: response.Status,
    ...defined({
      jobArn: response.JobArn,
      region: region || undefined,
      failureReason: response.FailureReason,
      creationTime: response.CreationTime,
      completionTime: response.CompletionTime,
      lastModifiedTime: response.LastModifiedTime,
      trafficPeakUsers: peakUsers,
      maxInvocationsCondition: response.StoppingConditions?.MaxInvocations,
    }),
    ...(threshold?.ValueInMilliseconds !== undefined
      ? {
          latencyThreshold: {
            ...defined({ percentile: threshold.Percentile }),
            valueInMilliseconds: threshold.ValueInMilliseconds,
          },
        }
      : {}),
    benchmarkedEndpoints: (response.InputConfig?.Endpoints ?? [])
      .map((endpoint) => endpoint.EndpointName)
      .filter((name): name is string => name !== undefined),
    recommendations: uniqueIds(
      (response.InferenceRecommendations ?? []).map(normalizeRecommendation),
    ),
    endpointPerformances: (response.EndpointPerformances ?? []).map(normalizePerformance),
  };
}

type RawRecommendation = NonNullable<DescribeResponse["InferenceRecommendations"]>[number];

function normalizeRecommendation(raw: RawRecommendation): NormalizedRecommendation {
  const endpoint = raw.EndpointConfiguration;
  const serverlessConfig = endpoint?.ServerlessConfig;
  const environment = environmentOf(raw.ModelConfiguration?.EnvironmentParameters ?? []);
  const reported: Partial<NonNullable<RawRecommendation["Metrics"]>> = raw.Metrics ?? {};
  const { values, unavailable } = splitMetrics({
    costPerHour: ["CostPerHour", reported.CostPerHour],
    costPerInference: ["CostPerInference", reported.CostPerInference],
    maxInvocations: ["MaxInvocations", reported.MaxInvocations ?? reported.MaximumInvocations],
    modelLatency: ["ModelLatency", reported.ModelLatency],
    cpuUtilization: ["CpuUtilization", reported.CpuUtilization],
    memoryUtilization: ["MemoryUtilization", reported.MemoryUtilization],
    modelSetupTime: ["ModelSetupTime", reported.ModelSetupTime],
  });
  const serverless = serverlessConfig
    ? defined({
        memorySizeInMB: serverlessConfig.MemorySizeInMB,
        maxConcurrency: serverlessConfig.MaxConcurrency,
      })
    : undefined;
  const normalized: Omit<NormalizedRecommendation, "recommendationId"> = {
    endpointType: serverlessConfig ? "Serverless" : "RealTime",
    ...defined({
      instanceType: endpoint?.InstanceType,
      jobInstanceCount: endpoint?.InitialInstanceCount,
      serverless,
      endpointName: endpoint?.EndpointName,
      variantName: endpoint?.VariantName,
      compilationJobName: raw.ModelConfiguration?.CompilationJobName,
      invocationStartTime: raw.InvocationStartTime,
      invocationEndTime: raw.InvocationEndTime,
    }),
    environment,
    metrics: values,
    unavailableMetrics: unavailable,
  };
  return { recommendationId: raw.RecommendationId ?? derivedId(normalized), ...normalized };
}

function normalizePerformance(
  raw: NonNullable<DescribeResponse["EndpointPerformances"]>[number],
): EndpointPerformance {
  const { values, unavailable } = splitMetrics({
    maxInvocations: ["MaxInvocations", raw.Metrics?.MaxInvocations],
    modelLatency: ["ModelLatency", raw.Metrics?.ModelLatency],
  });
  return {
    ...defined({ endpointName: raw.EndpointInfo?.EndpointName }),
    ...values,
    unavailableMetrics: unavailable,
  };
}

/** Splits reported metrics into usable numbers and the names of those reported as NaN. */
function splitMetrics<K extends string>(
  metrics: Record<K, [string, number | undefined]>,
): { values: Partial<Record<K, number>>; unavailable: string[] } {
  const values: Partial<Record<K, number>> = {};
  const unavailable: string[] = [];
  for (const [key, [name, value]] of Object.entries(metrics) as [K, [string, number?]][]) {
    if (value === undefined) continue;
    if (Number.isFinite(value)) values[key] = value;
    else unavailable.push(name);
  }
  return { values, unavailable };
}

/** An id from what the entry is: ml.c5.xlarge, serverless-4096mb-20, with its environment. */
function derivedId(entry: Omit<NormalizedRecommendation, "recommendationId">): string {
  const target =
    entry.instanceType ??
    (entry.serverless
      ? `serverless-${entry.serverless.memorySizeInMB ?? "na"}mb-${entry.serverless.maxConcurrency ?? "na"}`
      : "unknown-configuration");
  const environment = [...entry.environment]
    .sort((a, b) => compareText(a.key, b.key))
    .map(({ key, value }) => `${key}=${value}`)
    .join(",");
  return environment ? `${target}[${environment}]` : target;
}

/**
 * Ids are unique after this: entries that share one are told apart by a suffix (#2, #3) given in
 * the order of their content, never in the order of the response.
 */
function uniqueIds(entries: NormalizedRecommendation[]): NormalizedRecommendation[] {
  const groups = new Map<string, NormalizedRecommendation[]>();
  for (const entry of entries) {
    const group = groups.get(entry.recommendationId) ?? [];
    group.push(entry);
    groups.set(entry.recommendationId, group);
  }
  const taken = new Set(groups.keys());
  const out: NormalizedRecommendation[] = [];
  for (const [id, group] of groups) {
    if (group.length === 1) {
      out.push(...group);
      continue;
    }
    const ordered = group
      .map((entry) => ({ entry, key: canonicalJson(entry) }))
      .sort((a, b) => compareText(a.key, b.key));
    let suffix = 1;
    ordered.forEach(({ entry }, index) => {
      if (index === 0) {
        out.push(entry);
        return;
      }
      let candidate = `${id}#${++suffix}`;
      while (taken.has(candidate)) candidate = `${id}#${++suffix}`;
      taken.add(candidate);
      out.push({ ...entry, recommendationId: candidate });
    });
  }
  return out;
}

/**
 * The most users the pattern reaches. A phase starts with InitialNumberOfUsers and adds SpawnRate
 * users a minute for its duration; stairs add UsersPerStep at each of NumberOfSteps. The guide does
 * not say whether users carry over from one phase to the next; the phases-are-separate reading is
 * used, which its continuity rule (each phase starts near where the last one ended) supports.
 */
export function trafficPeakUsers(
  inputConfig: { TrafficPattern?: DescribeTrafficPattern | undefined } | undefined,
): number | undefined {
  const pattern = inputConfig?.TrafficPattern;
  if (!pattern) return undefined;
  if (pattern.TrafficType === "STAIRS" || (!pattern.Phases && pattern.Stairs)) {
    const stairs = pattern.Stairs;
    if (stairs?.UsersPerStep === undefined || stairs.NumberOfSteps === undefined) return undefined;
    const peak = stairs.UsersPerStep * stairs.NumberOfSteps;
    return peak > 0 ? peak : undefined;
  }
  const peaks = (pattern.Phases ?? []).map(
    (item) =>
      (item.InitialNumberOfUsers ?? 0) +
      (item.SpawnRate ?? 0) * Math.ceil((item.DurationInSeconds ?? 0) / 60),
  );
  const peak = Math.max(0, ...peaks);
  return peak > 0 ? peak : undefined;
}

type DescribeTrafficPattern = NonNullable<
  NonNullable<DescribeResponse["InputConfig"]>["TrafficPattern"]
>;

/** The object without its undefined values, so optional fields are absent rather than undefined. */
function defined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
