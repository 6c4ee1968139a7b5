/**
 * Why a job failed, and where to look. The job's FailureReason and the reasons of its failed
 * benchmarks (ListInferenceRecommendationsJobSteps) are matched against the failures the
 * Inference Recommender troubleshooting guide documents, giving a category and a one-line next
 * step, with the CloudWatch log group and streams of the job and a console link for its region.
 */
import * as z from "zod";
import { type Parsed, toDecisionIssues, typeError } from "./issues.ts";

export const FAILURE_CATEGORIES = [
  "model-error",
  "payload",
  "capacity",
  "quota",
  "permissions",
  "invalid-input",
  "timeout",
  "internal",
  "not-enabled",
  "model-too-large",
  "unknown",
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

export const LOG_GROUP = "/aws/sagemaker/InferenceRecommendationsJobs";

/**
 * Documented messages and exception names, most specific first: the first that matches decides.
 * The guide names: Domain or Framework missing ("is a mandatory parameter for the job"); a role
 * that cannot be assumed (AWSSecurityTokenServiceException); burstable ml.t2 instances refused for
 * load tests; phases whose users do not continue, or that last longer than the job;
 * ResourceLimitExceeded from CreateEndpoint (an account quota); ModelError from InvokeEndpoint
 * (the container timed out or could not handle the payload); PayloadError (the payload is not in
 * S3, not a file, of the wrong type, or empty).
 */
const CATEGORY_PATTERNS: readonly [Exclude<FailureCategory, "unknown">, RegExp][] = [
  // AI recommendation jobs: the feature is gated per account; a model may fit no GPU requested.
  [
    "not-enabled",
    /not enabled for (this|your) account|not been enabled|feature is not (yet )?available/i,
  ],
  ["model-too-large", /does not fit|GPU memory|out of memory|CUDA out of memory/i],
  [
    "permissions",
    /AWSSecurityTokenServiceException|cannot be assumed|AccessDenied|not authori[sz]ed|kms:CreateGrant/i,
  ],
  ["quota", /ResourceLimitExceeded|quota|service limit|LimitExceeded/i],
  [
    "capacity",
    /InsufficientInstanceCapacity|InsufficientCapacity|insufficient capacity|CapacityError/i,
  ],
  [
    "model-error",
    /ModelError|health check|\/ping|model container|container (failed|exited|crashed)/i,
  ],
  ["payload", /PayloadError|payload|content type|SupportedContentTypes/i],
  [
    "invalid-input",
    /ValidationException|mandatory parameter|Burstable|ml\.t2\.|Users at the end of prev phase|traffic duration|duration of all (your )?phases|exceed(s|ed)? the job duration|invalid/i,
  ],
  ["timeout", /timed? ?out|timeout|deadline|exceeded the (maximum )?(job )?duration/i],
  [
    "internal",
    /InternalServerError|InternalFailure|InternalError|internal (server )?error|ServiceUnavailable/i,
  ],
];

const HINTS: Record<FailureCategory, string> = {
  "model-error":
    "The model container failed or was too slow to answer: deploy the model to a test endpoint, invoke it with the sample payload, and read the endpoint's log stream.",
  payload:
    "The sample payload was refused: SamplePayloadUrl must be one non-empty .tar.gz in S3 whose files the container accepts (SupportedContentTypes).",
  capacity:
    "SageMaker had no capacity for the instance type: run the job again later, or benchmark other instance types.",
  quota:
    "An account quota (endpoints or instances of a type) is used up: delete idle endpoints or raise the quota in Service Quotas, then run the job again.",
  permissions:
    "The job's role cannot be assumed or lacks permissions: check its trust policy for sagemaker.amazonaws.com and the permissions the Inference Recommender prerequisites list.",
  "invalid-input":
    "SageMaker refused the job's input: set Domain and Framework on the model package (OTHER when unknown), avoid ml.t2 for load tests, and keep the traffic within JobDurationInSeconds.",
  timeout:
    "The job or a benchmark ran out of time: give it a longer JobDurationInSeconds, or fewer or shorter load tests.",
  internal:
    "SageMaker reported an internal error: run the job again; if it persists, ask AWS Support with the job ARN.",
  "not-enabled":
    "AI recommendation jobs are not enabled for this account: ask AWS (your account team or AWS Support) to enable them in this region, then run the job again.",
  "model-too-large":
    "The model does not fit in the GPU memory of the instance types benchmarked: name instance types with more GPU memory in job.ComputeSpec.InstanceTypes, or a smaller or quantized model.",
  unknown: "No documented cause matches: read the job's execution log stream.",
};

const STOPPED_HINT =
  "The job was stopped before it completed (StopInferenceRecommendationsJob): nothing failed in the model; run it again when needed.";

// ListInferenceRecommendationsJobSteps, as far as the diagnosis reads it -------------------------

const optionalText = () => z.string({ error: typeError("a string") }).optional();
const optionalNumber = () => z.number({ error: typeError("a number") }).optional();

export const jobStepSchema = z.object(
  {
    StepType: optionalText(),
    JobName: optionalText(),
    Status: optionalText(),
    InferenceBenchmark: z
      .object(
        {
          FailureReason: optionalText(),
          // A Date from the SDK, epoch seconds or an ISO text in a saved response.
          InvocationStartTime: z.union([z.date(), z.number(), z.string()]).optional(),
          InvocationEndTime: z.union([z.date(), z.number(), z.string()]).optional(),
          EndpointConfiguration: z
            .object(
              {
                EndpointName: optionalText(),
                VariantName: optionalText(),
                InstanceType: optionalText(),
                InitialInstanceCount: optionalNumber(),
                ServerlessConfig: z
                  .object({ MemorySizeInMB: optionalNumber(), MaxConcurrency: optionalNumber() })
                  .optional(),
              },
              { error: typeError("an object") },
            )
            .optional(),
        },
        { error: typeError("an object") },
      )
      .optional(),
  },
  { error: typeError("an object") },
);

export type JobStep = z.output<typeof jobStepSchema>;

const stepsSchema = z.union([
  z.array(jobStepSchema),
  z
    .object({ Steps: z.array(jobStepSchema).optional() })
    .transform((response) => response.Steps ?? []),
]);

/** Reads the Steps of a ListInferenceRecommendationsJobSteps response, or the response itself. */
export function parseJobSteps(input: unknown): Parsed<JobStep[]> {
  const parsed = stepsSchema.safeParse(input, { reportInput: true });
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, issues: toDecisionIssues(parsed.error, "(steps)") };
}

// The diagnosis ------------------------------------------------------------------------------------

export const diagnosisSchema = z.object({
  jobName: z.string(),
  status: z.string(),
  category: z.enum(FAILURE_CATEGORIES),
  hint: z.string(),
  failureReason: z.string().optional(),
  failedBenchmarks: z.array(
    z.object({
      instanceType: z.string().optional(),
      serverless: z
        .object({ memorySizeInMB: z.number().optional(), maxConcurrency: z.number().optional() })
        .optional(),
      endpointName: z.string().optional(),
      reason: z.string(),
      category: z.enum(FAILURE_CATEGORIES),
    }),
  ),
  logs: z.object({ logGroup: z.string(), streams: z.array(z.string()) }),
  /** The job's execution log stream in the CloudWatch console of its region. */
  consoleUrl: z.string().optional(),
});

export type Diagnosis = z.output<typeof diagnosisSchema>;

export interface FailureInput {
  jobName: string;
  status: string;
  failureReason?: string | undefined;
  /** The job's region (from its ARN), for the console link. */
  region?: string | undefined;
  steps?: readonly JobStep[] | undefined;
}

export function diagnoseFailure(input: FailureInput): Diagnosis {
  const failedBenchmarks = (input.steps ?? [])
    .filter((step) => step.Status === "FAILED" || step.InferenceBenchmark?.FailureReason)
    .map((step) => {
      const benchmark = step.InferenceBenchmark;
      const endpoint = benchmark?.EndpointConfiguration;
      const reason =
        benchmark?.FailureReason ?? `benchmark ended ${step.Status ?? "without a status"}`;
      const serverless = endpoint?.ServerlessConfig;
      return {
        ...(endpoint?.InstanceType !== undefined ? { instanceType: endpoint.InstanceType } : {}),
        ...(serverless
          ? {
              serverless: {
                ...(serverless.MemorySizeInMB !== undefined
                  ? { memorySizeInMB: serverless.MemorySizeInMB }
                  : {}),
                ...(serverless.MaxConcurrency !== undefined
                  ? { maxConcurrency: serverless.MaxConcurrency }
                  : {}),
              },
            }
          : {}),
        ...(endpoint?.EndpointName !== undefined ? { endpointName: endpoint.EndpointName } : {}),
        reason,
        category: categorize(reason),
      };
    });
  const fromJob = input.failureReason ? categorize(input.failureReason) : "unknown";
  const category =
    fromJob !== "unknown" ? fromJob : mostCommon(failedBenchmarks.map((item) => item.category));
  const stoppedWithoutCause =
    category === "unknown" && input.status === "STOPPED" && failedBenchmarks.length === 0;
  const executionStream = `${input.jobName}/execution`;
  const endpointStreams = [
    ...new Set(
      failedBenchmarks.flatMap((item) =>
        item.endpointName ? [`${input.jobName}/Endpoint/${item.endpointName}`] : [],
      ),
    ),
  ].sort();
  const consoleUrl = input.region ? logEventsUrl(input.region, executionStream) : undefined;
  return {
    jobName: input.jobName,
    status: input.status,
    category,
    hint: stoppedWithoutCause ? STOPPED_HINT : HINTS[category],
    ...(input.failureReason ? { failureReason: input.failureReason } : {}),
    failedBenchmarks,
    logs: { logGroup: LOG_GROUP, streams: [executionStream, ...endpointStreams] },
    ...(consoleUrl ? { consoleUrl } : {}),
  };
}

/** The documented cause a failure message names, or unknown. */
export function categorize(reason: string): FailureCategory {
  return CATEGORY_PATTERNS.find(([, pattern]) => pattern.test(reason))?.[0] ?? "unknown";
}

export function hintFor(category: FailureCategory): string {
  return HINTS[category];
}

/** The most frequent known category; ties go to the one listed first in FAILURE_CATEGORIES. */
function mostCommon(categories: readonly FailureCategory[]): FailureCategory {
  let best: FailureCategory = "unknown";
  let bestCount = 0;
  for (const category of FAILURE_CATEGORIES) {
    if (category === "unknown") continue;
    const count = categories.filter((item) => item === category).length;
    if (count > bestCount) {
      best = category;
      bestCount = count;
    }
  }
  return best;
}

/** A CloudWatch console link to one log stream of the job's log group, in its region. */
export function logEventsUrl(region: string, stream: string): string {
  const host = region.startsWith("cn-")
    ? `${region}.console.amazonaws.cn`
    : region.startsWith("us-gov-")
      ? `${region}.console.amazonaws-us-gov.com`
      : `${region}.console.aws.amazon.com`;
  // The console's fragment encodes each path part twice ("/" is $252F).
  const encode = (value: string) => encodeURIComponent(value).replace(/%/g, "$25");
  return `https://${host}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encode(LOG_GROUP)}/log-events/${encode(stream)}`;
}
