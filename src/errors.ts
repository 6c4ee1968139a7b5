/**
 * Errors that the state machine routes on. Each class's `name` is the exact string used in the
 * ASL's ErrorEquals (Step Functions matches a Lambda error by the thrown error's name).
 */

/** A transient AWS failure (throttling, 5xx, network): retry with backoff. */
export class TransientAwsError extends Error {
  override readonly name = "TransientAwsError";
}

/** The account already runs as many Inference Recommender jobs as its quota allows. */
export class AccountJobLimitError extends Error {
  override readonly name = "AccountJobLimitError";
}

/** SageMaker refused the request itself (ValidationException): the spec cannot run as is. */
export class JobRejectedError extends Error {
  override readonly name = "JobRejectedError";
}

/** A job with this name exists and was not created by this execution. */
export class JobNameTakenError extends Error {
  override readonly name = "JobNameTakenError";
}

/** The job record changed under this step (another writer won the conditional write). */
export class RecordConflictError extends Error {
  override readonly name = "RecordConflictError";
}

/** Some outcome events were not accepted by EventBridge after every retry. */
export class EventPublishError extends Error {
  override readonly name = "EventPublishError";
}

/** A job record read from the table does not fit the record schema. */
export class InvalidRecordError extends Error {
  override readonly name = "InvalidRecordError";
}

/** A step expected a job record that does not exist. */
export class RecordNotFoundError extends Error {
  override readonly name = "RecordNotFoundError";
}

/** A step's input did not come from the state machine as designed. */
export class InvalidStepInputError extends Error {
  override readonly name = "InvalidStepInputError";
}

/** A trigger's event is not the one its rule delivers. */
export class InvalidTriggerEventError extends Error {
  override readonly name = "InvalidTriggerEventError";
}

/** Another publisher holds the claim on this job's outcome event: try again once it ran out. */
export class PublishInProgressError extends Error {
  override readonly name = "PublishInProgressError";
}

/** The configuration read at cold start is missing or malformed. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Some targets of a schedule tick did not start; the others did. Carries the tick's summary. */
export class ScheduleTargetError extends Error {
  override readonly name = "ScheduleTargetError";

  constructor(
    message: string,
    readonly summary: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Throttling and server error codes that AWS returns without a modeled exception class. */
const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "ServiceUnavailable",
  "InternalFailure",
  "InternalServerError",
  "InternalServerException",
]);

/**
 * Turns an AWS SDK error into the named error the state machine routes on; anything else is
 * returned unchanged.
 */
export function classifyAwsError(error: unknown, action: string): unknown {
  if (!(error instanceof Error)) return error;
  const sdk = error as {
    $metadata?: { httpStatusCode?: number };
    $fault?: "client" | "server";
    $retryable?: { throttling?: boolean };
  };
  const status = sdk.$metadata?.httpStatusCode;
  const transient =
    THROTTLING.has(error.name) ||
    sdk.$fault === "server" ||
    sdk.$retryable !== undefined ||
    (status !== undefined && status >= 500) ||
    ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "TimeoutError"].includes(
      (error as { code?: string }).code ?? error.name,
    );
  if (transient) {
    return new TransientAwsError(`${action}: ${error.name}: ${error.message}`, { cause: error });
  }
  return error;
}

/** A Lambda error reaches a Catch with a JSON Cause holding errorMessage; others as plain text. */
export function causeMessage(cause: string | undefined): string {
  if (!cause) return "no details";
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === "string") return parsed.errorMessage;
  } catch {
    // Not JSON: the cause is the message.
  }
  return cause;
}
