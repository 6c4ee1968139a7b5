/**
 * What a local run records as it goes: the library's state and execution events, and the Task
 * events the dispatcher records around each invocation. The execution history is built from them.
 */

export interface StateEventFields {
  timestamp: Date;
  stateName: string;
  /** The type as written in the definition (a Wait state runs as a Task locally). */
  stateType: string;
  resource?: string;
  /** The Map iteration the state ran in, if any. */
  iteration?: number;
}

/** A Task invocation, as the dispatcher saw it. */
export interface TaskEventFields {
  timestamp: Date;
  stateName: string;
  /** The Task's `Resource` as written. */
  resource: string;
  region: string;
}

export type RunEvent =
  | { type: "ExecutionStarted"; timestamp: Date; input: unknown }
  | { type: "ExecutionSucceeded"; timestamp: Date; output: unknown }
  | { type: "ExecutionFailed"; timestamp: Date; error: string; cause: string }
  | { type: "ExecutionAborted"; timestamp: Date }
  | { type: "ExecutionTimedOut"; timestamp: Date }
  | ({ type: "StateEntered"; input: unknown } & StateEventFields)
  | ({ type: "StateExited"; output: unknown } & StateEventFields)
  | ({ type: "StateFailed"; error: string; cause: string } & StateEventFields)
  | ({ type: "StateRetried"; attempt: number } & StateEventFields)
  | ({ type: "StateCaught"; next: string } & StateEventFields)
  | ({ type: "TaskScheduled"; parameters: unknown } & TaskEventFields)
  | ({ type: "TaskStarted" } & TaskEventFields)
  | ({ type: "TaskSucceeded"; output: unknown } & TaskEventFields)
  | {
      type: "MapIterationStarted" | "MapIterationSucceeded";
      timestamp: Date;
      stateName: string;
      index: number;
    }
  | {
      type: "MapIterationFailed";
      timestamp: Date;
      stateName: string;
      index: number;
      error: string;
      cause: string;
    }
  | {
      type: "ParallelBranchStarted" | "ParallelBranchSucceeded";
      timestamp: Date;
      stateName: string;
    }
  | {
      type: "ParallelBranchFailed";
      timestamp: Date;
      stateName: string;
      error: string;
      cause: string;
    };
