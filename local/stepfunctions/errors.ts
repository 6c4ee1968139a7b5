/**
 * Errors of the local Step Functions service. The client errors are AwsServiceErrors whose type is
 * the `__type` the real service returns (HTTP 400), so the server and the AWS SDK see the same
 * exception names.
 */
import { awsErrorClass } from "../aws-json.ts";

export class InvalidDefinition extends awsErrorClass("InvalidDefinition") {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`Invalid State Machine Definition: ${problems.join("; ")}`, options);
    this.problems = problems;
  }
}

export class InvalidName extends awsErrorClass("InvalidName") {}

export class InvalidArn extends awsErrorClass("InvalidArn") {}

export class InvalidExecutionInput extends awsErrorClass("InvalidExecutionInput") {}

export class InvalidToken extends awsErrorClass("InvalidToken") {}

export class StateMachineDoesNotExist extends awsErrorClass("StateMachineDoesNotExist") {}

export class StateMachineAlreadyExists extends awsErrorClass("StateMachineAlreadyExists") {}

export class ExecutionDoesNotExist extends awsErrorClass("ExecutionDoesNotExist") {}

export class ExecutionAlreadyExists extends awsErrorClass("ExecutionAlreadyExists") {}

export class ValidationException extends awsErrorClass("ValidationException") {}

export class ResourceNotFound extends awsErrorClass("ResourceNotFound") {}

/** `waitForExecution` gave up before the execution closed. */
export class ExecutionWaitTimeout extends Error {
  override readonly name = "ExecutionWaitTimeout";
}

/** A runner option is out of range. */
export class InvalidRunnerOption extends Error {
  override readonly name = "InvalidRunnerOption";
}
