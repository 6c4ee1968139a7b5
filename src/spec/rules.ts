/**
 * Rules that span several fields. They read the raw input defensively, so they run even when the
 * structural schema has already found errors, and every mistake is reported in one pass.
 */
import { INSTANCE_TYPE_PATTERN, isListedInstanceType } from "./instance-types.ts";

export interface SpecIssue {
  /** Where the problem is, e.g. `job.InputConfig.TrafficPattern.Phases[1].SpawnRate`. */
  path: string;
  /** A stable rule name (see RULES). */
  rule: RuleId;
  message: string;
}

/** Tag keys irflow sets on every job it creates; a spec may not set them. */
export const RESERVED_TAG_PREFIX = "irflow:";

/** Every rule that can be reported, with where it comes from. Documented in docs/spec.md. */
export const RULES = {
  required: "A required field is missing (service model).",
  type: "A value has the wrong JSON type (service model).",
  enum: "A value is not one of the documented values (API reference).",
  "instance-type":
    "An instance type is not of the form ml.<family>.<size>, the form of every type the service model lists.",
  pattern: "A string does not match the documented pattern (service model).",
  length: "A string is shorter or longer than documented (service model).",
  range: "A number is outside the documented range (API reference, service model).",
  items: "A list has fewer or more items than documented (API reference, service model).",
  step: "Serverless MemorySizeInMB is not in 1 GB steps (API reference).",
  "unknown-field": "A field that the request does not have (service model).",
  "kms-key-format": "A KMS key is not a key ID, key ARN, alias or alias ARN (API reference).",
  "s3-uri": "An S3 location is not an s3:// URI (API reference).",
  "s3-targz": "SamplePayloadUrl is not a single .tar.gz in S3 (API reference).",
  "security-group-format": "A security group ID is not of the form sg-xxxxxxxx (API reference).",
  "versioned-model-package-arn": "ModelPackageVersionArn is not a versioned package ARN.",
  "model-source": "Exactly one of ModelPackageVersionArn and ModelName must be given.",
  "traffic-type":
    "TrafficType does not match the traffic block given (PHASES/Phases, STAIRS/Stairs).",
  "phase-duration-total": "The phases together last longer than JobDurationInSeconds.",
  "parallel-tests": "MaxParallelOfTests is greater than MaxNumberOfTests.",
  "provisioned-concurrency": "ProvisionedConcurrency is not supported for recommendation jobs.",
  "load-test-percentile": "A custom load test (Advanced with TrafficPattern) takes P95 only.",
  "burstable-instance": "Load tests (Advanced jobs) do not run on burstable ml.t2 instances.",
  "invalid-json": "The input is not JSON.",
  "reserved-tag":
    "A tag key starts with irflow:, which irflow sets itself on every job it creates (its stack and execution).",
  "run-key-with-job-name":
    "irflow.runKey is given with job.JobName: the job runs under that name whatever the key, so the key would change nothing.",
  "package-unreadable":
    "The model package version a trigger names cannot be described: it does not exist, or irflow may not read it.",
  // The decision policy (irflow.policy, docs/decision.md).
  "min-max": "irflow.policy.maxInstances is below minInstances.",
  "profile-peak":
    "irflow.policy.requestsPerMinute differs from the peak of hourlyRequestsPerMinute, or the profile has no hour above 0.",
  "current-target":
    "irflow.policy.current names neither or both of instanceType and endpointName, or gives instanceCount with endpointName.",
  // Warnings: the documentation is silent, but the setting is probably a mistake.
  "advanced-only": "A load-test setting on a Default job, which does not run a load test.",
  "stairs-duration-total": "The stairs together may last longer than JobDurationInSeconds.",
  "unlisted-instance-type":
    "An instance type of the right form that irflow does not list: SageMaker may know it, so it is passed on.",
} as const;

export type RuleId = keyof typeof RULES;

export interface RuleFindings {
  errors: SpecIssue[];
  warnings: SpecIssue[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const field = (value: unknown, key: string): unknown => (isObject(value) ? value[key] : undefined);

const asNumber = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

export function crossFieldRules(input: unknown): RuleFindings {
  const findings: RuleFindings = { errors: [], warnings: [] };
  const error = (path: string, rule: RuleId, message: string) =>
    findings.errors.push({ path, rule, message });
  const warn = (path: string, rule: RuleId, message: string) =>
    findings.warnings.push({ path, rule, message });
  // A malformed name is the schema's error (instance-type); only well-formed ones are checked here.
  const warnIfUnlisted = (path: string, type: unknown) => {
    if (typeof type !== "string" || !INSTANCE_TYPE_PATTERN.test(type)) return;
    if (isListedInstanceType(type)) return;
    warn(
      path,
      "unlisted-instance-type",
      `${type} is not in irflow's list of instance types; it is passed on, and SageMaker decides whether it knows the type`,
    );
  };

  const job = field(input, "job");
  if (!isObject(job)) return findings;
  if (Array.isArray(job.Tags)) {
    job.Tags.forEach((tag, index) => {
      const key = field(tag, "Key");
      if (typeof key === "string" && key.startsWith(RESERVED_TAG_PREFIX)) {
        error(
          `job.Tags[${index}].Key`,
          "reserved-tag",
          `must not start with "${RESERVED_TAG_PREFIX}": irflow tags every job it creates with its stack and execution`,
        );
      }
    });
  }
  const runKey = field(field(input, "irflow"), "runKey");
  if (runKey !== undefined && job.JobName !== undefined) {
    error(
      "irflow.runKey",
      "run-key-with-job-name",
      "give irflow.runKey or job.JobName, not both: job.JobName is the job's name whatever the key",
    );
  }
  const jobType = job.JobType;
  const config = job.InputConfig;
  if (!isObject(config)) return findings;

  const hasPackage = config.ModelPackageVersionArn !== undefined;
  const hasModelName = config.ModelName !== undefined;
  if (hasPackage === hasModelName) {
    error(
      "job.InputConfig",
      "model-source",
      hasPackage
        ? "give either ModelPackageVersionArn or ModelName, not both"
        : "give exactly one of ModelPackageVersionArn or ModelName",
    );
  }

  const duration = asNumber(config.JobDurationInSeconds);
  const traffic = config.TrafficPattern;
  if (isObject(traffic)) {
    const trafficPath = "job.InputConfig.TrafficPattern";
    const type = traffic.TrafficType;
    if (traffic.Phases !== undefined && traffic.Stairs !== undefined) {
      error(trafficPath, "traffic-type", "give either Phases or Stairs, not both");
    } else if (type === "STAIRS" && traffic.Stairs === undefined) {
      error(`${trafficPath}.Stairs`, "traffic-type", "is required when TrafficType is STAIRS");
    } else if (type === "PHASES" && traffic.Phases === undefined) {
      error(`${trafficPath}.Phases`, "traffic-type", "is required when TrafficType is PHASES");
    } else if (traffic.Stairs !== undefined && type !== "STAIRS") {
      error(`${trafficPath}.TrafficType`, "traffic-type", "must be STAIRS when Stairs is given");
    } else if (traffic.Phases !== undefined && type === "STAIRS") {
      error(`${trafficPath}.TrafficType`, "traffic-type", "must be PHASES when Phases is given");
    }

    const phases = traffic.Phases;
    if (Array.isArray(phases) && duration !== undefined) {
      const total = phases.reduce<number>(
        (sum, item) => sum + (asNumber(field(item, "DurationInSeconds")) ?? 0),
        0,
      );
      if (total > duration) {
        error(
          `${trafficPath}.Phases`,
          "phase-duration-total",
          `the phases last ${total} s in total, more than JobDurationInSeconds (${duration} s)`,
        );
      }
    }

    const stairs = traffic.Stairs;
    const stepSeconds = asNumber(field(stairs, "DurationInSeconds"));
    const steps = asNumber(field(stairs, "NumberOfSteps"));
    if (duration !== undefined && stepSeconds !== undefined && steps !== undefined) {
      if (stepSeconds * steps > duration) {
        warn(
          `${trafficPath}.Stairs`,
          "stairs-duration-total",
          `if DurationInSeconds is per step, the stairs last ${stepSeconds * steps} s, more than JobDurationInSeconds (${duration} s)`,
        );
      }
    }

    if (jobType === "Advanced") {
      const thresholds = field(job.StoppingConditions, "ModelLatencyThresholds");
      if (Array.isArray(thresholds)) {
        thresholds.forEach((threshold, index) => {
          const percentile = field(threshold, "Percentile");
          if (percentile !== undefined && percentile !== "P95") {
            error(
              `job.StoppingConditions.ModelLatencyThresholds[${index}].Percentile`,
              "load-test-percentile",
              "must be P95 for a custom load test (Advanced job with a TrafficPattern)",
            );
          }
        });
      }
    }
  }

  const limit = config.ResourceLimit;
  const maxTests = asNumber(field(limit, "MaxNumberOfTests"));
  const maxParallel = asNumber(field(limit, "MaxParallelOfTests"));
  if (maxTests !== undefined && maxParallel !== undefined && maxParallel > maxTests) {
    error(
      "job.InputConfig.ResourceLimit.MaxParallelOfTests",
      "parallel-tests",
      `must not be greater than MaxNumberOfTests (${maxTests})`,
    );
  }

  const endpointConfigs = config.EndpointConfigurations;
  if (Array.isArray(endpointConfigs)) {
    endpointConfigs.forEach((endpointConfig, index) => {
      const instanceType = field(endpointConfig, "InstanceType");
      warnIfUnlisted(`job.InputConfig.EndpointConfigurations[${index}].InstanceType`, instanceType);
      if (
        jobType === "Advanced" &&
        typeof instanceType === "string" &&
        instanceType.startsWith("ml.t2.")
      ) {
        error(
          `job.InputConfig.EndpointConfigurations[${index}].InstanceType`,
          "burstable-instance",
          `${instanceType} is burstable; load tests need consistent performance and do not run on the t2 family`,
        );
      }
      if (
        field(field(endpointConfig, "ServerlessConfig"), "ProvisionedConcurrency") !== undefined
      ) {
        error(
          `job.InputConfig.EndpointConfigurations[${index}].ServerlessConfig.ProvisionedConcurrency`,
          "provisioned-concurrency",
          "is not supported for serverless recommendations of Inference Recommender jobs",
        );
      }
    });
  }

  const supported = field(config.ContainerConfig, "SupportedInstanceTypes");
  if (Array.isArray(supported)) {
    supported.forEach((type, index) => {
      warnIfUnlisted(`job.InputConfig.ContainerConfig.SupportedInstanceTypes[${index}]`, type);
    });
  }

  if (jobType === "Default") {
    for (const key of ["TrafficPattern", "ResourceLimit"] as const) {
      if (config[key] !== undefined) {
        warn(
          `job.InputConfig.${key}`,
          "advanced-only",
          "configures a load test, which only an Advanced job runs",
        );
      }
    }
  }

  return findings;
}
