/**
 * Which Inference Recommender jobs are irflow's. CreateJob tags every job with the stack and the
 * execution that asked for it; a job is stopped only when both its record and its tags prove it is
 * this execution's. A job name alone proves nothing: a spec may name any job in the account.
 */
import type { SageMakerGateway } from "../aws/sagemaker-gateway.ts";
import { RESERVED_TAG_PREFIX } from "../spec/rules.ts";
import type { JobTag } from "../spec/schema.ts";
import { type CaughtError, mayStillRun } from "./lifecycle.ts";
import type { JobRecord } from "./record.ts";

/** The tag naming the irflow stack (its STACK_NAME setting) that created the job. */
export const STACK_TAG = `${RESERVED_TAG_PREFIX}stack`;
/** The tag naming the Step Functions execution that created the job. */
export const EXECUTION_TAG = `${RESERVED_TAG_PREFIX}execution`;

/** Who asks SageMaker for a job: this stack, in this execution. */
export interface Owner {
  stackName: string;
  executionArn: string;
}

/** An execution's name: the last part of its ARN (…:execution:<state machine>:<name>). */
export function executionNameOf(executionArn: string): string {
  return executionArn.slice(executionArn.lastIndexOf(":") + 1);
}

/** The tags CreateJob sends: the spec's own, then irflow's two. */
export function jobTags(specTags: readonly JobTag[] | undefined, owner: Owner): JobTag[] {
  return [
    ...(specTags ?? []),
    { Key: STACK_TAG, Value: owner.stackName },
    { Key: EXECUTION_TAG, Value: executionNameOf(owner.executionArn) },
  ];
}

export type Ownership = { own: true } | { own: false; reason: string };

/**
 * Whether the job is provably this execution's: the record shows this execution asked for it, and
 * the job carries irflow's tags for this stack and this execution. `tags` is undefined when they
 * could not be read, with `unreadable` saying why.
 */
export function ownershipOf(
  record: JobRecord,
  tags: readonly JobTag[] | undefined,
  stackName: string,
  unreadable?: string,
): Ownership {
  if (record.jobArn === undefined && record.createRequestedAt === undefined) {
    return { own: false, reason: "this execution never asked SageMaker for a job" };
  }
  if (!tags)
    return { own: false, reason: `its tags could not be read (${unreadable ?? "unknown"})` };
  const value = (key: string) => tags.find((tag) => tag.Key === key)?.Value;
  const execution = executionNameOf(record.executionArn);
  if (value(STACK_TAG) !== stackName || value(EXECUTION_TAG) !== execution) {
    return {
      own: false,
      reason: `it does not carry irflow's tags for this execution (${STACK_TAG}=${stackName}, ${EXECUTION_TAG}=${execution})`,
    };
  }
  return { own: true };
}

export interface StopDeps {
  sagemaker: SageMakerGateway;
  stackName: string;
}

/** What the stop of a job did: asked SageMaker to stop it, or left it alone and why. */
export interface StopResult {
  stopRequested: boolean;
  /** Why a job under the record's name was not stopped: it is not provably this execution's. */
  leftAlone?: string | undefined;
}

/**
 * Stops the record's job if it may still run and is provably this execution's; any other job of
 * that name is left alone, whoever's it is.
 */
export async function stopIfOwn(
  record: JobRecord,
  error: CaughtError | undefined,
  deps: StopDeps,
): Promise<StopResult> {
  if (!mayStillRun(record, error)) return { stopRequested: false };
  const read = await deps.sagemaker.jobTags(record.jobName, record.jobArn);
  if (!read.found) return { stopRequested: false };
  const ownership = ownershipOf(record, read.tags, deps.stackName, read.note);
  if (!ownership.own) {
    return {
      stopRequested: false,
      leftAlone: `job ${record.jobName} was left alone: ${ownership.reason}`,
    };
  }
  return { stopRequested: await deps.sagemaker.stopJob(record.jobName) };
}
