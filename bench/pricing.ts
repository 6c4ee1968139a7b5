/**
 * Public us-east-1 list prices the benchmarks turn counts into dollars with (checked 2026-11; see
 * docs/deploy.md), and the assumptions that go with them.
 */
export const PRICES = {
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  stepFunctionsPerTransition: 0.025 / 1000,
  /** Lambda: $0.20 per million requests. */
  lambdaPerRequest: 0.2 / 1_000_000,
  /** Lambda on arm64: per GB-second of duration. */
  lambdaArmPerGbSecond: 0.0000133334,
  dynamoWritePerUnit: 0.625 / 1_000_000,
  dynamoReadPerUnit: 0.125 / 1_000_000,
  eventBridgePerEvent: 1 / 1_000_000,
};

/** Memory of every irflow function (serverless.yml). */
export const LAMBDA_MEMORY_GB = 0.25;
/** A warm invocation on AWS is dominated by one or two SDK calls; an assumption, not a reading. */
export const ASSUMED_AWS_MS_PER_INVOCATION = 150;
