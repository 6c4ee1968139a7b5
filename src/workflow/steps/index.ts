/**
 * Every workflow step's code by its function's name in the state machine; the functions themselves
 * are declared in src/application.json (test/unit/workflow/definition.test.ts ties the two).
 */
import { acquireSlotStep } from "./acquire-slot.ts";
import { createJobStep } from "./create-job.ts";
import { describeJobStep } from "./describe-job.ts";
import { diagnoseFailureStep } from "./diagnose-failure.ts";
import { publishOutcomeStep } from "./publish-outcome.ts";
import { selectRecommendationStep } from "./select-recommendation.ts";
import { stopJobStep } from "./stop-job.ts";
import { validateSpecStep } from "./validate-spec.ts";

export const WORKFLOW_STEPS = {
  ValidateSpec: validateSpecStep,
  AcquireSlot: acquireSlotStep,
  CreateJob: createJobStep,
  DescribeJob: describeJobStep,
  SelectRecommendation: selectRecommendationStep,
  DiagnoseFailure: diagnoseFailureStep,
  StopJob: stopJobStep,
  PublishOutcome: publishOutcomeStep,
};
