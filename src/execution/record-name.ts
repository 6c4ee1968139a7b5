/**
 * Which job record an execution writes. ValidateSpec decides it once (the job's name, or a name
 * after the execution for a spec it rejects) and returns it in the execution's state, where every
 * later step reads it. Whoever comes after the execution (the clean-up, the CLI) reads that
 * decision back from the execution's history; nothing derives the name from the spec again, so a
 * release that changes how names are made still finds the records of earlier ones.
 */
import { GetExecutionHistoryCommand, type SFNClient } from "@aws-sdk/client-sfn";

/** The state that decides the record's name: the state machine's first. */
export const VALIDATE_SPEC_STATE = "ValidateSpec";

/**
 * The error of the state an execution ends in when its job name is another execution's record:
 * that record and its outcome are the other execution's, and nothing is written for this one.
 */
export const JOB_NAME_TAKEN_FAILURE = "JobNameTaken";

/** The record of an execution whose spec ValidateSpec rejected. */
export const rejectedRecordName = (executionName: string) => `rejected-${executionName}`;

/** The record of an execution that ended before ValidateSpec decided any name. */
export const endedRecordName = (executionName: string) => `ended-${executionName}`;

/** The part of a GetExecutionHistory event read here; the SDK's events fit it. */
export interface NamingHistoryEvent {
  stateEnteredEventDetails?: { name?: string | undefined } | undefined;
  stateExitedEventDetails?: { name?: string | undefined; output?: string | undefined } | undefined;
  lambdaFunctionSucceededEventDetails?: { output?: string | undefined } | undefined;
  taskSucceededEventDetails?: { output?: string | undefined } | undefined;
}

/**
 * What the events say of ValidateSpec's answer: the name it returned (from its function's answer
 * or the state's exit), or whether the history has gone past it without one (`settled`: its state
 * closed, another state began, or the execution ended first); otherwise, read on.
 */
function validationAnswer(events: readonly NamingHistoryEvent[]): {
  name?: string | undefined;
  settled: boolean;
} {
  let inValidation = false;
  for (const event of events) {
    const entered = event.stateEnteredEventDetails?.name;
    if (entered !== undefined) {
      if (inValidation || entered !== VALIDATE_SPEC_STATE) return { settled: true };
      inValidation = true;
      continue;
    }
    if (!inValidation) continue;
    const output =
      event.lambdaFunctionSucceededEventDetails?.output ??
      event.taskSucceededEventDetails?.output ??
      event.stateExitedEventDetails?.output;
    const name = jobNameIn(output);
    if (name !== undefined) return { name, settled: true };
    if (event.stateExitedEventDetails) return { settled: true };
  }
  return { settled: false };
}

/** How many history events are read at most: ValidateSpec is first, so its answer comes early. */
const HISTORY_PAGE = 50;
const MAX_PAGES = 4;

/** The record the execution wrote or, having ended before ValidateSpec answered, would have. */
export async function recordNameOfExecution(
  sfn: Pick<SFNClient, "send">,
  execution: { executionArn: string; name: string },
): Promise<string> {
  let nextToken: string | undefined;
  const events: NamingHistoryEvent[] = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: execution.executionArn,
        includeExecutionData: true,
        maxResults: HISTORY_PAGE,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    events.push(...(answer.events ?? []));
    const { name, settled } = validationAnswer(events);
    if (name !== undefined) return name;
    nextToken = answer.nextToken;
    if (!nextToken || settled) break;
  }
  return endedRecordName(execution.name);
}

function jobNameIn(output: string | undefined): string | undefined {
  if (output === undefined) return undefined;
  try {
    const state = JSON.parse(output) as { job?: { jobName?: unknown } } | null;
    const name = state?.job?.jobName;
    return typeof name === "string" && name.length > 0 ? name : undefined;
  } catch {
    return undefined;
  }
}
