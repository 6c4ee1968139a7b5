/**
 * How the emulated service validates a CreateInferenceRecommendationsJob request, on its own and
 * independently of irflow's validator (src/spec), so that a test can compare the two verdicts:
 *
 * 1. The JSON types and the constraints of the AWS service model, kept in
 *    data/create-job-constraints.json as extracted from botocore (model-constraints.ts).
 * 2. The rules the AWS documentation states and the model does not (documented-rules.ts), the
 *    first one broken answered as a plain ValidationException.
 */
import { fileURLToPath } from "node:url";
import type { CreateInferenceRecommendationsJobRequest } from "@aws-sdk/client-sagemaker";
import type { JobRequest } from "../../src/spec/schema.ts";
import { AwsServiceError, type JsonObject } from "../aws-json.ts";
import { documentedRuleViolation } from "./documented-rules.ts";
import {
  type ConstraintsFile,
  loadModelConstraints,
  parseConstraintsFile,
} from "./model-constraints.ts";

const OPERATION = "CreateInferenceRecommendationsJob";
const DATA_FILE = fileURLToPath(new URL("./data/create-job-constraints.json", import.meta.url));

/** Validates a constraints file; `origin` names it in the error message. */
export function parseCreateJobConstraints(json: unknown, origin: string): ConstraintsFile {
  return parseConstraintsFile(json, origin, OPERATION);
}

const constraints = loadModelConstraints(DATA_FILE, OPERATION);

/** Where the constraints come from: botocore's version, the model's API version, and the date. */
export const CONSTRAINTS_SOURCE = constraints.source;

/** A request the model's constraints and the documented rules both accept. */
export type CreateJobRequest = JobRequest & { JobName: string };

/**
 * The request as the service keeps it, or an AwsServiceError (SerializationException or
 * ValidationException) as the service answers it.
 */
export function validateCreateJobRequest(input: JsonObject): CreateJobRequest {
  // The SDK's request type is generated from the same model, so a request that meets the
  // model's constraints has its shape.
  const modelValid: unknown = constraints.read(input);
  const request = modelValid as CreateInferenceRecommendationsJobRequest;
  const broken = documentedRuleViolation(request);
  if (broken) throw new AwsServiceError("ValidationException", broken);
  // What the model leaves open (enums of Domain, Percentile...) the documented rules have checked.
  return request as CreateJobRequest;
}
