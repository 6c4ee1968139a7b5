/**
 * The faults the local EventBridge reports to callers, each an AwsServiceError with the AWS error
 * code it stands for, so the server sends it as `__type` (HTTP 400) and the SDK rebuilds the
 * matching exception class.
 */
import { awsErrorClass } from "../aws-json.ts";

export class ValidationException extends awsErrorClass("ValidationException") {}

export class InvalidEventPatternException extends awsErrorClass("InvalidEventPatternException") {}

export class ResourceNotFoundException extends awsErrorClass("ResourceNotFoundException") {}

export class ResourceAlreadyExistsException extends awsErrorClass(
  "ResourceAlreadyExistsException",
) {}

export class LimitExceededException extends awsErrorClass("LimitExceededException") {}

export class ThrottlingException extends awsErrorClass("ThrottlingException") {}

/** EventBridge's own 500: "This exception occurs due to unexpected causes." */
export class InternalException extends awsErrorClass("InternalException", 500) {}
