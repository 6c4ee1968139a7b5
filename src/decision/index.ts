/**
 * The decision on an Inference Recommender job: read the job, apply the policy, compare with
 * production, explain a failure. Everything here is pure: no AWS call, no clock.
 */

export {
  type AutoscalingCalls,
  type AutoscalingProposal,
  autoscalingCalls,
  autoscalingCallsSchema,
  autoscalingLines,
  autoscalingProposal,
  autoscalingProposalSchema,
  autoscalingSentence,
} from "./autoscaling.ts";
export {
  type CappedDecision,
  type CappedDiagnosis,
  capDecision,
  capDiagnosis,
  cappedDecisionSchema,
  cappedDiagnosisSchema,
  capText,
  EVENT_LIMITS,
  joinReasons,
  jsonBytes,
  MAX_REASON_CHARS,
  RECORD_LIMITS,
  RECORD_MAX_BYTES,
  recordLimitsBeside,
  type SizeLimits,
} from "./cap.ts";
export {
  type Comparison,
  type CurrentDeployment,
  compareWithProduction,
  comparisonSchema,
  currentDeploymentSchema,
} from "./compare.ts";
export {
  type EndpointPerformance,
  type Environment,
  environmentSchema,
  type NormalizedJob,
  type NormalizedRecommendation,
  normalizedJobSchema,
  parseDescribeResponse,
  readDescribeJson,
} from "./describe.ts";
export {
  categorize,
  type Diagnosis,
  diagnoseFailure,
  diagnosisSchema,
  FAILURE_CATEGORIES,
  type FailureCategory,
  type FailureInput,
  type JobStep,
  LOG_GROUP,
  logEventsUrl,
  parseJobSteps,
} from "./diagnose.ts";
export {
  type DecisionEntry,
  decisionEntrySchema,
  HOURS_PER_MONTH,
  REJECTION_RULES,
  type RejectionRule,
  type Violation,
} from "./entry.ts";
export {
  type DecisionIssue,
  decisionIssueSchema,
  issueRule,
  type Parsed,
  toDecisionIssues,
} from "./issues.ts";
export {
  decideLatencyUnit,
  type LatencyUnit,
  type LatencyUnitDecision,
  latencyUnitDecisionSchema,
  toMilliseconds,
} from "./latency-unit.ts";
export {
  OBJECTIVES,
  type Objective,
  type Policy,
  type PolicyInput,
  parsePolicy,
  policySchema,
  type ResolvedPolicy,
  resolvedPolicySchema,
  resolvePolicy,
} from "./policy.ts";
export {
  applyRelaxation,
  type PolicyChange,
  RELAXABLE_FIELDS,
  type Relaxation,
  relaxationSchema,
} from "./relax.ts";
export {
  DEFAULT_POLICY,
  type Decision,
  decide,
  decisionSchema,
  type MeasuredEndpoint,
  OUTCOMES,
  type Outcome,
  type Rejection,
} from "./select.ts";
export { comparisonSentence, decisionSentence } from "./sentence.ts";
export {
  estimateTuningCost,
  jobPrices,
  type TuningCost,
  tuningCostSchema,
} from "./tuning-cost.ts";
