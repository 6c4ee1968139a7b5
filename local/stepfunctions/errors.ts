/**
 * Errors of the local Step Functions service. Each `name` is the `__type` the real service returns,
 * so the HTTP layer and the AWS SDK see the same exception names.
 */

/** An error the service reports to its caller as a client error (HTTP 400). */
export abstract class LocalStepFunctionsError extends Error {}

export class InvalidDefinition extends LocalStepFunctionsError {
  override readonly name = "InvalidDefinition";
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`Invalid State Machine Definition: ${problems.join("; ")}`, options);
    this.problems = problems;
  }
}

export class InvalidName extends LocalStepFunctionsError {
  override readonly name = "InvalidName";
}

export class InvalidArn extends LocalStepFunctionsError {
  override readonly name = "InvalidArn";
}

export class InvalidExecutionInput extends LocalStepFunctionsError {
  override readonly name = "InvalidExecutionInput";
}

export class InvalidToken extends LocalStepFunctionsError {
  override readonly name = "InvalidToken";
}

export class StateMachineDoesNotExist extends LocalStepFunctionsError {
  override readonly name = "StateMachineDoesNotExist";
}

export class StateMachineAlreadyExists extends LocalStepFunctionsError {
  override readonly name = "StateMachineAlreadyExists";
}

export class ExecutionDoesNotExist extends LocalStepFunctionsError {
  override readonly name = "ExecutionDoesNotExist";
}

export class ExecutionAlreadyExists extends LocalStepFunctionsError {
  override readonly name = "ExecutionAlreadyExists";
}

export class ValidationException extends LocalStepFunctionsError {
  override readonly name = "ValidationException";
}

export class UnknownOperationException extends LocalStepFunctionsError {
  override readonly name = "UnknownOperationException";
}

export class SerializationException extends LocalStepFunctionsError {
  override readonly name = "SerializationException";
}

/** `waitForExecution` gave up before the execution closed. */
export class ExecutionWaitTimeout extends Error {
  override readonly name = "ExecutionWaitTimeout";
}

/** A runner option is out of range. */
export class InvalidRunnerOption extends Error {
  override readonly name = "InvalidRunnerOption";
}
