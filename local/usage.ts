/**
 * What the local stack's handlers use of the billed services, counted as the stack runs: each
 * Lambda invocation (function, memory, duration), each DynamoDB request that succeeded (read or
 * write, and the capacity units DynamoDB would charge), each custom event put on a bus, and each
 * SageMaker API call.
 *
 * A call is laid at the door of the invocation running when it arrives, when exactly one runs;
 * otherwise (none, or several at once) it has no function. Run one execution at a time to have
 * every call attributed.
 */
import { performance } from "node:perf_hooks";

export type MeteredService = "dynamodb" | "eventbridge" | "sagemaker";

export interface LambdaInvocationUsage {
  function: string;
  memoryMb: number;
  /** Real milliseconds the handler ran, on this machine, rounded up as Lambda bills them. */
  billedMs: number;
}

export interface ServiceCallUsage {
  service: MeteredService;
  operation: string;
  /** The function whose invocation made the call, if one alone was running. */
  function: string | undefined;
  /** DynamoDB: request units (read or write) the call costs on demand; EventBridge: events. */
  units: number;
  /** DynamoDB: whether the units are read request units. */
  read?: boolean;
}

export class UsageMeter {
  readonly invocations: LambdaInvocationUsage[] = [];
  readonly calls: ServiceCallUsage[] = [];
  readonly #running = new Map<number, string>();
  #nextInvocation = 0;

  /** Runs one invocation of `fn` with `memoryMb`, and records it however it ends. */
  async invoke<T>(fn: string, memoryMb: number, work: () => Promise<T>): Promise<T> {
    const id = this.#nextInvocation++;
    this.#running.set(id, fn);
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.#running.delete(id);
      this.invocations.push({
        function: fn,
        memoryMb,
        billedMs: Math.max(1, Math.ceil(performance.now() - started)),
      });
    }
  }

  /** Records a call of `service`, attributed to the one invocation running, if any. */
  record(call: Omit<ServiceCallUsage, "function">): void {
    const running = [...this.#running.values()];
    this.calls.push({ ...call, function: running.length === 1 ? running[0] : undefined });
  }

  /** The counts so far, copied; `since` a previous snapshot leaves out what it held. */
  snapshot(since?: UsageSnapshot): UsageSnapshot {
    return {
      invocations: this.invocations.slice(since?.invocations.length ?? 0),
      calls: this.calls.slice(since?.calls.length ?? 0),
    };
  }
}

export interface UsageSnapshot {
  invocations: LambdaInvocationUsage[];
  calls: ServiceCallUsage[];
}

const DYNAMODB_READS: ReadonlySet<string> = new Set([
  "GetItem",
  "BatchGetItem",
  "Query",
  "Scan",
  "TransactGetItems",
]);
const DYNAMODB_WRITES: ReadonlySet<string> = new Set([
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactWriteItems",
]);

/**
 * Whether a DynamoDB operation is billed as a read or a write request, or not per request at
 * all (control-plane calls such as DescribeTable).
 */
export function dynamoDbRequestKind(operation: string): "read" | "write" | undefined {
  if (DYNAMODB_READS.has(operation)) return "read";
  if (DYNAMODB_WRITES.has(operation)) return "write";
  return undefined;
}

/** The size EventBridge bills a PutEvents entry by: one event per 64 KB chunk of its payload. */
export function eventBridgeBilledEvents(entry: unknown): number {
  const bytes = Buffer.byteLength(JSON.stringify(entry ?? {}), "utf8");
  return Math.max(1, Math.ceil(bytes / (64 * 1024)));
}
