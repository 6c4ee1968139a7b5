/**
 * What a command is about: a user names a job by its job name, its execution's name (as `irflow
 * list` shows it) or its execution's ARN. All three lead to the same job record and execution.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionDoesNotExist,
} from "@aws-sdk/client-sfn";
import { recordNameOfExecution } from "../src/execution/record-name.ts";
import type { JobRecord } from "../src/workflow/record.ts";
import type { Target } from "./target.ts";

export interface Subject {
  jobName: string;
  executionArn?: string | undefined;
  record?: JobRecord | undefined;
}

const EXECUTION_ARN = /^arn:[\w-]+:states:[^:]*:\d*:execution:[^:]+:[^:]+$/;

/** The execution ARN of `name` under the target's state machine. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
}

/** The job and execution a name or ARN stands for, or undefined when it names neither. */
export async function resolveSubject(
  subject: string,
  target: Target,
): Promise<Subject | undefined> {
  if (!EXECUTION_ARN.test(subject)) {
    const record = await target.store().get(subject);
    if (record) return { jobName: record.jobName, executionArn: record.executionArn, record };
  }
  const executionArn = EXECUTION_ARN.test(subject)
    ? subject
    : executionArnOf(target.stateMachineArn(), subject);
  const execution = await describeExecution(target, executionArn);
  if (!execution) return undefined;
  const jobName = await recordNameOfExecution(target.sfn, {
    executionArn,
    name: execution.name ?? subject,
  });
  return { jobName, executionArn, record: await target.store().get(jobName) };
}

export async function describeExecution(
  target: Target,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    return await target.sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return undefined;
    if (error instanceof Error && error.name === "ExecutionDoesNotExist") return undefined;
    throw error;
  }
}
