/**
 * The rules of CreateInferenceRecommendationsJob that the AWS documentation states and the
 * service model does not express (shared/reference: its README's documented limits, and the valid
 * values the CLI and boto3 references list). The emulated service applies them after the model's
 * constraints, and answers the first one broken, as the service does for its own checks.
 *
 * Written from the documents, not from irflow's validator (src/spec), so each can catch the other.
 */
import type {
  CreateInferenceRecommendationsJobRequest,
  EndpointInputConfiguration,
} from "@aws-sdk/client-sagemaker";

const LONGEST_JOB_SECONDS = 18_000;
const PHASE_USERS = { min: 1, max: 3 };
const PHASE_SPAWN_RATE = { min: 0, max: 3 };
const PHASE_SECONDS = { min: 120, max: 3600 };
const MAX_TESTS = 10;
const MAX_INVOCATIONS = { min: 1, max: 30_000 };
const PERCENTILES = ["P95", "P99"];
const SERVERLESS_MEMORY_STEP_MB = 1024;

// Valid values listed by the references (000, 001, 003; 004 for NearestModelName).
const DOMAINS = ["COMPUTER_VISION", "NATURAL_LANGUAGE_PROCESSING", "MACHINE_LEARNING"];
const TASKS = [
  "IMAGE_CLASSIFICATION",
  "OBJECT_DETECTION",
  "TEXT_GENERATION",
  "IMAGE_SEGMENTATION",
  "FILL_MASK",
  "CLASSIFICATION",
  "REGRESSION",
  "OTHER",
];
const FRAMEWORKS = ["TENSORFLOW", "PYTORCH", "XGBOOST", "SAGEMAKER-SCIKIT-LEARN"];
const NEAREST_MODELS = [
  "efficientnetb7",
  "unet",
  "xgboost",
  "faster-rcnn-resnet101",
  "nasnetlarge",
  "vgg16",
  "inception-v3",
  "mask-rcnn",
  "sagemaker-scikit-learn",
  "densenet201-gluon",
  "resnet18v2-gluon",
  "xception",
  "densenet201",
  "yolov4",
  "resnet152",
  "bert-base-cased",
  "xceptionV1-keras",
  "resnet50",
  "retinanet",
];

type Request = CreateInferenceRecommendationsJobRequest;
type Check = (request: Request) => string | undefined;

/** The first documented rule the request breaks, as the service words it, or undefined. */
export function documentedRuleViolation(request: Request): string | undefined {
  for (const check of CHECKS) {
    const broken = check(request);
    if (broken) return broken;
  }
  return undefined;
}

const modelSource: Check = ({ InputConfig: input }) => {
  const hasPackage = input?.ModelPackageVersionArn !== undefined;
  const hasName = input?.ModelName !== undefined;
  if (!hasPackage && !hasName) {
    return "InputConfig must specify a model: ModelPackageVersionArn or ModelName.";
  }
  if (hasPackage && hasName) {
    return "InputConfig must specify only one of ModelPackageVersionArn and ModelName.";
  }
  if (hasPackage && !/:model-package\/[^/]+\/\d+$/.test(input?.ModelPackageVersionArn ?? "")) {
    return `InputConfig.ModelPackageVersionArn ${input?.ModelPackageVersionArn} is not the ARN of a versioned model package.`;
  }
  return undefined;
};

const jobDuration: Check = ({ InputConfig: input }) => {
  const seconds = input?.JobDurationInSeconds;
  return seconds !== undefined && seconds > LONGEST_JOB_SECONDS
    ? `InputConfig.JobDurationInSeconds must be at most ${LONGEST_JOB_SECONDS} seconds.`
    : undefined;
};

const trafficType: Check = ({ InputConfig: input }) => {
  const traffic = input?.TrafficPattern;
  if (!traffic) return undefined;
  if (traffic.Phases && traffic.Stairs) {
    return "InputConfig.TrafficPattern takes Phases or Stairs, not both.";
  }
  if (traffic.TrafficType === "STAIRS" && !traffic.Stairs) {
    return "InputConfig.TrafficPattern.Stairs is required for the STAIRS traffic type.";
  }
  if (traffic.TrafficType === "PHASES" && !traffic.Phases) {
    return "InputConfig.TrafficPattern.Phases is required for the PHASES traffic type.";
  }
  if (traffic.Stairs && traffic.TrafficType !== "STAIRS") {
    return "InputConfig.TrafficPattern.TrafficType must be STAIRS for a Stairs traffic pattern.";
  }
  return undefined;
};

const phases: Check = ({ InputConfig: input }) => {
  const list = input?.TrafficPattern?.Phases ?? [];
  for (const [index, phase] of list.entries()) {
    const at = `InputConfig.TrafficPattern.Phases[${index}]`;
    const users = outside(phase.InitialNumberOfUsers, PHASE_USERS);
    if (users) return `${at}.InitialNumberOfUsers must be ${users} for a custom load test.`;
    const spawn = outside(phase.SpawnRate, PHASE_SPAWN_RATE);
    if (spawn) return `${at}.SpawnRate must be ${spawn} for a custom load test.`;
    const seconds = outside(phase.DurationInSeconds, PHASE_SECONDS);
    if (seconds) return `${at}.DurationInSeconds must be ${seconds} for a custom load test.`;
  }
  const total = list.reduce((sum, phase) => sum + (phase.DurationInSeconds ?? 0), 0);
  const limit = input?.JobDurationInSeconds;
  if (limit !== undefined && total > limit) {
    return `The traffic phases last ${total} seconds, longer than InputConfig.JobDurationInSeconds (${limit}).`;
  }
  return undefined;
};

const resourceLimit: Check = ({ InputConfig: input }) => {
  const limit = input?.ResourceLimit;
  for (const key of ["MaxNumberOfTests", "MaxParallelOfTests"] as const) {
    const value = limit?.[key];
    if (value !== undefined && value > MAX_TESTS) {
      return `InputConfig.ResourceLimit.${key} must be at most ${MAX_TESTS}.`;
    }
  }
  return undefined;
};

const stoppingConditions: Check = ({ JobType, InputConfig: input, StoppingConditions }) => {
  const invocations = outside(StoppingConditions?.MaxInvocations, MAX_INVOCATIONS);
  if (invocations) {
    return `StoppingConditions.MaxInvocations must be ${invocations} requests per minute.`;
  }
  const customLoadTest = JobType === "Advanced" && input?.TrafficPattern !== undefined;
  for (const [index, threshold] of (StoppingConditions?.ModelLatencyThresholds ?? []).entries()) {
    const at = `StoppingConditions.ModelLatencyThresholds[${index}].Percentile`;
    const percentile = threshold.Percentile;
    if (percentile === undefined) continue;
    if (!PERCENTILES.includes(percentile)) return `${at} must be P95 or P99.`;
    if (customLoadTest && percentile !== "P95") return `${at} must be P95 for a custom load test.`;
  }
  return undefined;
};

const endpointConfigurations: Check = ({ JobType, InputConfig: input }) => {
  for (const [index, configuration] of (input?.EndpointConfigurations ?? []).entries()) {
    const broken = endpointConfiguration(
      configuration,
      `InputConfig.EndpointConfigurations[${index}]`,
      JobType === "Advanced",
    );
    if (broken) return broken;
  }
  return undefined;
};

function endpointConfiguration(
  configuration: EndpointInputConfiguration,
  at: string,
  loadTest: boolean,
): string | undefined {
  const serverless = configuration.ServerlessConfig;
  if (
    serverless?.MemorySizeInMB !== undefined &&
    serverless.MemorySizeInMB % SERVERLESS_MEMORY_STEP_MB !== 0
  ) {
    return `${at}.ServerlessConfig.MemorySizeInMB must be 1024, 2048, 3072, 4096, 5120 or 6144 MB.`;
  }
  if (serverless?.ProvisionedConcurrency !== undefined) {
    return `${at}.ServerlessConfig.ProvisionedConcurrency is not supported for Inference Recommender serverless recommendations.`;
  }
  // The troubleshooting guide lists burstable t2 types among the reasons a load test is refused.
  const type = configuration.InstanceType;
  if (loadTest && type?.startsWith("ml.t2.")) {
    return `${at}.InstanceType ${type} is a burstable instance type, which load tests do not support.`;
  }
  return undefined;
}

const containerConfig: Check = ({ InputConfig: input }) => {
  const container = input?.ContainerConfig;
  if (!container) return undefined;
  const at = "InputConfig.ContainerConfig";
  const listed: [string, string | undefined, string[]][] = [
    ["Domain", container.Domain, DOMAINS],
    ["Task", container.Task, TASKS],
    ["Framework", container.Framework, FRAMEWORKS],
    ["NearestModelName", container.NearestModelName, NEAREST_MODELS],
  ];
  for (const [name, value, valid] of listed) {
    if (value !== undefined && !valid.includes(value)) {
      return `${at}.${name} must be one of ${valid.join(", ")}.`;
    }
  }
  const payload = container.PayloadConfig?.SamplePayloadUrl;
  if (payload !== undefined && !/^s3:\/\/[^/]+\/.+\.tar\.gz$/.test(payload)) {
    return `${at}.PayloadConfig.SamplePayloadUrl must be the S3 location of a single .tar.gz archive.`;
  }
  return undefined;
};

/** Words for a value outside an inclusive range, or undefined when it is inside or absent. */
function outside(
  value: number | undefined,
  range: { min: number; max: number },
): string | undefined {
  if (value === undefined || (value >= range.min && value <= range.max)) return undefined;
  return `from ${range.min} to ${range.max}`;
}

const CHECKS: readonly Check[] = [
  modelSource,
  jobDuration,
  trafficType,
  phases,
  resourceLimit,
  endpointConfigurations,
  containerConfig,
  stoppingConditions,
];
