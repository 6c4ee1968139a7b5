/**
 * us-east-1 on-demand list prices the own-cost bench turns counts into dollars with, each with
 * its source, as read on 2026-12-07. Free tiers are left out: these are the marginal prices.
 */
export const OWN_COST_PRICES = {
  /**
   * Step Functions Standard: $0.025 per 1,000 state transitions, retries included.
   * https://aws.amazon.com/step-functions/pricing/ (2026-12-07)
   */
  stepFunctionsPerTransition: 0.025 / 1000,
  /**
   * Lambda requests: $0.20 per million. https://aws.amazon.com/lambda/pricing/ (2026-12-07)
   */
  lambdaPerRequest: 0.2 / 1_000_000,
  /**
   * Lambda duration on Arm (serverless.yml deploys arm64), first 7.5 billion GB-seconds a month:
   * $0.0000133334 per GB-second; x86 would be $0.0000166667.
   * https://aws.amazon.com/lambda/pricing/ (2026-12-07)
   */
  lambdaPerGbSecond: 0.0000133334,
  /**
   * DynamoDB on-demand: $0.625 per million write request units and $0.125 per million read
   * request units (halved on 2024-11-01 from $1.25 and $0.25).
   * https://aws.amazon.com/dynamodb/pricing/on-demand/ (2026-12-07)
   */
  dynamoDbPerWriteUnit: 0.625 / 1_000_000,
  dynamoDbPerReadUnit: 0.125 / 1_000_000,
  /**
   * EventBridge: $1.00 per million custom events put on a bus (each 64 KB chunk one event);
   * AWS service events (Step Functions status changes, model registry changes) are free.
   * https://aws.amazon.com/eventbridge/pricing/ (2026-12-07)
   */
  eventBridgePerEvent: 1 / 1_000_000,
  /**
   * SageMaker API calls: no charge per call (the recommendation jobs' instances are billed, and
   * are the user's cost, not irflow's). https://aws.amazon.com/sagemaker/pricing/ (2026-12-07)
   */
  sageMakerPerCall: 0,
} as const;
