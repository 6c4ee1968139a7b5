/**
 * What a Task state's `Resource` calls, and the keys a local handler may be bound under.
 */
import { isAslObject } from "./definition.ts";

export interface AccountLocation {
  region: string;
  accountId: string;
}

export type TaskTarget =
  | {
      kind: "lambda";
      /** `invoke` for `arn:aws:states:::lambda:invoke`, `direct` for a function ARN resource. */
      integration: "invoke" | "direct";
      functionName: string;
      invokedFunctionArn: string;
      payload: unknown;
      /** Handler keys to try, most specific first. */
      handlerKeys: readonly string[];
    }
  | { kind: "resource"; resource: string; payload: unknown; handlerKeys: readonly string[] };

/**
 * Errors that no retrier or catcher handles, as in AWS, where `States.ALL` does not match them
 * either. (AWS lets a catcher that names `States.DataLimitExceeded` catch it; locally nothing does.)
 */
const TERMINAL_ERRORS: ReadonlySet<string> = new Set([
  "States.Runtime",
  "States.DataLimitExceeded",
]);

/** Thrown into the state machine; `name` is the error name `Retry` and `Catch` match on. */
export class TaskFailure extends Error {
  constructor(errorName: string, message: string) {
    // No `cause`: aws-local-stepfunctions reports an error's `cause` in place of its message.
    super(message);
    this.name = errorName;
  }

  /** Read by aws-local-stepfunctions before it retries the state. */
  get isRetryable(): boolean {
    return !TERMINAL_ERRORS.has(this.name);
  }

  /** Read by aws-local-stepfunctions before it catches the error. */
  get isCatchable(): boolean {
    return !TERMINAL_ERRORS.has(this.name);
  }

  /** The failure for whatever a handler threw, keeping its error name and message. */
  static fromThrown(thrown: unknown): TaskFailure {
    if (thrown instanceof TaskFailure) return thrown;
    if (thrown instanceof Error) return new TaskFailure(thrown.name || "Error", thrown.message);
    return new TaskFailure("Error", typeof thrown === "string" ? thrown : JSON.stringify(thrown));
  }

  /**
   * The failure Step Functions reports for what a Lambda function threw: the error is the
   * `errorType` and the cause is the JSON document the Lambda Node.js runtime returns.
   */
  static fromLambda(thrown: unknown): TaskFailure {
    if (thrown instanceof TaskFailure) return thrown;
    const report = lambdaErrorReport(thrown);
    return new TaskFailure(report.errorType, JSON.stringify(report));
  }
}

export interface LambdaErrorReport {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** What the Lambda Node.js runtime returns for a thrown value: an Error's name, message and stack. */
export function lambdaErrorReport(thrown: unknown): LambdaErrorReport {
  if (thrown instanceof Error) {
    return {
      errorType: thrown.name || "Error",
      errorMessage: thrown.message,
      trace: thrown.stack?.split("\n") ?? [],
    };
  }
  return { errorType: typeof thrown, errorMessage: String(thrown), trace: [] };
}

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:/;
// A function name, partial ARN or full ARN, with an optional version or alias.
const LAMBDA_FUNCTION =
  /^(?:arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?([A-Za-z0-9_-]{1,140})(?::([A-Za-z0-9$_-]{1,128}))?$/;

/**
 * Resolves the target of a Task state from its `Resource` and its effective input (after
 * `InputPath` and `Parameters`).
 */
export function resolveTaskTarget(
  resource: string,
  input: unknown,
  location: AccountLocation,
): TaskTarget {
  if (LAMBDA_INVOKE.test(resource)) {
    if (!isAslObject(input) || typeof input.FunctionName !== "string") {
      throw new TaskFailure(
        "States.Runtime",
        `${resource} needs a FunctionName string in Parameters`,
      );
    }
    return {
      kind: "lambda",
      integration: "invoke",
      ...lambdaFunction(input.FunctionName, location),
      payload: input.Payload === undefined ? {} : input.Payload,
    };
  }
  if (LAMBDA_FUNCTION_ARN.test(resource)) {
    return {
      kind: "lambda",
      integration: "direct",
      ...lambdaFunction(resource, location),
      payload: input,
    };
  }
  return { kind: "resource", resource, payload: input, handlerKeys: [resource] };
}

/** What the `lambda:invoke` integration returns for a function's result. */
export function lambdaInvokeResult(payload: unknown): Record<string, unknown> {
  return { ExecutedVersion: "$LATEST", Payload: payload, StatusCode: 200 };
}

function lambdaFunction(
  functionNameOrArn: string,
  location: AccountLocation,
): { functionName: string; invokedFunctionArn: string; handlerKeys: readonly string[] } {
  const match = LAMBDA_FUNCTION.exec(functionNameOrArn);
  const functionName = match?.[4];
  if (!match || !functionName) {
    throw new TaskFailure(
      "Lambda.InvalidParameterValueException",
      `Not a Lambda function name or ARN: ${functionNameOrArn}`,
    );
  }
  const region = match[1] ?? location.region;
  const accountId = match[2] ?? match[3] ?? location.accountId;
  const qualifier = match[5] ? `:${match[5]}` : "";
  const invokedFunctionArn = `arn:aws:lambda:${region}:${accountId}:function:${functionName}${qualifier}`;
  const handlerKeys = [...new Set([functionNameOrArn, invokedFunctionArn, functionName])];
  return { functionName, invokedFunctionArn, handlerKeys };
}
