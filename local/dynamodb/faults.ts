/**
 * The faults the DynamoDB proxy injects, per operation and seeded:
 *
 * - throttling: the request is refused with ProvisionedThroughputExceededException (or
 *   ThrottlingException), HTTP 400, and not carried out;
 * - server errors: InternalServerError, HTTP 500, not carried out;
 * - lost answers: a write is carried out by DynamoDB, then its answer is lost, as an
 *   InternalServerError or as a connection reset. An SDK that retries sends the write again, and a
 *   conditional write then fails its condition although its first attempt succeeded.
 *
 * The SDK retries all three on its own (up to its `maxAttempts`), so a handler sees the fault
 * only when every attempt meets one. Each kind draws from its own stream: the same seed and the
 * same sequence of requests meet the same faults.
 */
import { createHash } from "node:crypto";
import * as z from "zod";

/** The operations that write: a lost answer leaves their write in place. */
export const WRITE_OPERATIONS = [
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactWriteItems",
] as const;

export const DATA_OPERATIONS = [
  ...WRITE_OPERATIONS,
  "GetItem",
  "BatchGetItem",
  "TransactGetItems",
  "Query",
  "Scan",
] as const;
export type DataOperation = (typeof DATA_OPERATIONS)[number];

const rate = z.number().min(0).max(1);

const operationRates = z.strictObject({
  throttleRate: rate.optional(),
  serverErrorRate: rate.optional(),
  /** For any operation named here, reads included (their answer is lost, nothing else). */
  lostResponseRate: rate.optional(),
});

export const dynamoDbFaultsSchema = z.strictObject({
  seed: z.string().default("irflow"),
  /** Fraction of requests of every data operation refused as throttled. */
  throttleRate: rate.default(0),
  /** Fraction of requests of every data operation refused with InternalServerError. */
  serverErrorRate: rate.default(0),
  /** Fraction of writes carried out whose answer is lost. */
  lostResponseRate: rate.default(0),
  /** How a lost answer reaches the client. */
  lostResponse: z.enum(["server-error", "connection-reset"]).default("server-error"),
  /** The error a throttled request gets, as DynamoDB sends either. */
  throttleError: z
    .enum(["ProvisionedThroughputExceededException", "ThrottlingException"])
    .default("ProvisionedThroughputExceededException"),
  /** Rates for single operations, in place of the ones above. */
  operations: z.partialRecord(z.enum(DATA_OPERATIONS), operationRates).default({}),
  /** Only requests on these tables meet faults; every table when absent. */
  tables: z.array(z.string().min(1)).optional(),
  /** Stop injecting after this many faults of any kind. */
  limit: z.number().int().positive().optional(),
});

export type DynamoDbFaultsInput = z.input<typeof dynamoDbFaultsSchema>;
export type DynamoDbFaultsConfig = z.output<typeof dynamoDbFaultsSchema>;

export type DynamoDbFaultKind = "throttled" | "serverError" | "lostResponse";

/** What the proxy knows of a request. */
export interface DynamoDbRequest {
  operation: string;
  tables: readonly string[];
  /** The request's `Key`, for the operations that name one item. */
  key?: unknown;
}

export interface InjectedDynamoDbFault extends DynamoDbRequest {
  kind: DynamoDbFaultKind;
  at: Date;
}

export interface DynamoDbFaultCounts {
  throttled: number;
  serverErrors: number;
  lostResponses: number;
}

const COUNTED_AS: Record<DynamoDbFaultKind, keyof DynamoDbFaultCounts> = {
  throttled: "throttled",
  serverError: "serverErrors",
  lostResponse: "lostResponses",
};

/** The configuration is not valid: the message names each field and the rule it breaks. */
export class InvalidFaultConfig extends RangeError {
  override readonly name = "InvalidFaultConfig";
}

type Draw = () => number;

export class DynamoDbFaults {
  #config: DynamoDbFaultsConfig;
  #draws: Record<DynamoDbFaultKind, Draw>;
  #sinceConfigured = 0;
  #log: InjectedDynamoDbFault[] = [];
  /** How many faults were injected, by kind. */
  readonly injected: DynamoDbFaultCounts = emptyCounts();

  constructor(config: DynamoDbFaultsInput = {}) {
    this.#config = parseDynamoDbFaults(config);
    this.#draws = draws(this.#config.seed);
  }

  /** Replaces the configuration and restarts its draws; the counts and the log carry on. */
  configure(config: DynamoDbFaultsInput): void {
    this.#config = parseDynamoDbFaults(config);
    this.#draws = draws(this.#config.seed);
    this.#sinceConfigured = 0;
  }

  get settings(): DynamoDbFaultsConfig {
    return structuredClone(this.#config);
  }

  /** Every fault injected so far, oldest first. */
  log(): InjectedDynamoDbFault[] {
    return this.#log.map((entry) => ({ ...entry, at: new Date(entry.at) }));
  }

  /** Clears the counts and the log, and starts the `limit` afresh. */
  resetCounts(): void {
    Object.assign(this.injected, emptyCounts());
    this.#log = [];
    this.#sinceConfigured = 0;
  }

  /** The fault that refuses this request before DynamoDB sees it, if any; counted. */
  refusal(request: DynamoDbRequest): "throttled" | "serverError" | undefined {
    if (this.#hit("throttled", request)) return "throttled";
    if (this.#hit("serverError", request)) return "serverError";
    return undefined;
  }

  /** Whether to lose the answer of this request, which DynamoDB carried out; counted. */
  losesAnswer(request: DynamoDbRequest): boolean {
    return this.#hit("lostResponse", request);
  }

  #rate(kind: DynamoDbFaultKind, operation: string): number {
    const own = this.#config.operations[operation as DataOperation];
    switch (kind) {
      case "throttled":
        return own?.throttleRate ?? (isData(operation) ? this.#config.throttleRate : 0);
      case "serverError":
        return own?.serverErrorRate ?? (isData(operation) ? this.#config.serverErrorRate : 0);
      case "lostResponse":
        return own?.lostResponseRate ?? (isWrite(operation) ? this.#config.lostResponseRate : 0);
    }
  }

  #hit(kind: DynamoDbFaultKind, request: DynamoDbRequest): boolean {
    const kindRate = this.#rate(kind, request.operation);
    if (kindRate === 0) return false;
    const { limit, tables } = this.#config;
    if (tables && !request.tables.some((table) => tables.includes(table))) return false;
    if (limit !== undefined && this.#sinceConfigured >= limit) return false;
    if (this.#draws[kind]() >= kindRate) return false;
    this.#sinceConfigured += 1;
    this.injected[COUNTED_AS[kind]] += 1;
    this.#log.push({ kind, at: new Date(), ...request });
    return true;
  }
}

export function parseDynamoDbFaults(config: unknown): DynamoDbFaultsConfig {
  const parsed = dynamoDbFaultsSchema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(config)"}: ${issue.message}`,
    );
    throw new InvalidFaultConfig(`dynamodb faults: ${problems.join("; ")}`);
  }
  return parsed.data;
}

function isData(operation: string): boolean {
  return (DATA_OPERATIONS as readonly string[]).includes(operation);
}

function isWrite(operation: string): boolean {
  return (WRITE_OPERATIONS as readonly string[]).includes(operation);
}

function draws(seed: string): Record<DynamoDbFaultKind, Draw> {
  return {
    throttled: seededUniform(`${seed}|throttled`),
    serverError: seededUniform(`${seed}|server-error`),
    lostResponse: seededUniform(`${seed}|lost-response`),
  };
}

function emptyCounts(): DynamoDbFaultCounts {
  return { throttled: 0, serverErrors: 0, lostResponses: 0 };
}

/** Uniform numbers in [0, 1) from a string seed (mulberry32 over a sha256-derived state). */
function seededUniform(seed: string): Draw {
  let state = createHash("sha256").update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
