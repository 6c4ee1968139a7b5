/**
 * ARNs and names of local state machines and executions, shaped as in AWS.
 */
import { InvalidArn, InvalidName } from "./errors.ts";
import type { AccountLocation } from "./targets.ts";

export interface StateMachineArnParts extends AccountLocation {
  stateMachineName: string;
}

export interface ExecutionArnParts extends StateMachineArnParts {
  executionName: string;
}

const NAME_MAX_LENGTH = 80;
// Whitespace, brackets, wildcards, the listed specials and control characters are not allowed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
const STATE_MACHINE_ARN = /^arn:aws:states:([a-z0-9-]+):(\d{12}):stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws:states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/;

export function stateMachineArn(location: AccountLocation, name: string): string {
  return `arn:aws:states:${location.region}:${location.accountId}:stateMachine:${name}`;
}

export function executionArn(
  location: AccountLocation,
  stateMachineName: string,
  executionName: string,
): string {
  return `arn:aws:states:${location.region}:${location.accountId}:execution:${stateMachineName}:${executionName}`;
}

/** Throws `InvalidArn` unless `arn` is a state machine ARN. */
export function parseStateMachineArn(arn: string): StateMachineArnParts {
  const match = STATE_MACHINE_ARN.exec(arn);
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new InvalidArn(`Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
  }
  return { region: match[1], accountId: match[2], stateMachineName: match[3] };
}

/** Throws `InvalidArn` unless `arn` is an execution ARN. */
export function parseExecutionArn(arn: string): ExecutionArnParts {
  const match = EXECUTION_ARN.exec(arn);
  if (!match?.[1] || !match[2] || !match[3] || !match[4]) {
    throw new InvalidArn(`Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
  }
  return {
    region: match[1],
    accountId: match[2],
    stateMachineName: match[3],
    executionName: match[4],
  };
}

/** Throws `InvalidName` for a name AWS rejects for state machines and executions. */
export function assertValidName(name: string): void {
  if (name.length < 1 || name.length > NAME_MAX_LENGTH) {
    throw new InvalidName(`Invalid Name: '${name}' (must be 1 to ${NAME_MAX_LENGTH} characters)`);
  }
  if (FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new InvalidName(`Invalid Name: '${name}' (contains a character that is not allowed)`);
  }
}
