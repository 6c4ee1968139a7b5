/**
 * An HTTP proxy in front of a DynamoDB endpoint (dynalite locally) that injects the faults of
 * faults.ts: it refuses a request as throttled or failed before forwarding it, or forwards it and
 * loses the answer. Everything else passes through untouched, DynamoDB's own checks included
 * (dynalite refuses an item over 400 KB as DynamoDB does).
 */
import { randomUUID } from "node:crypto";
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";
import { AwsServiceError, readRequestBody } from "../aws-json.ts";
import {
  type DynamoDbFaultKind,
  DynamoDbFaults,
  type DynamoDbFaultsInput,
  type DynamoDbRequest,
} from "./faults.ts";

export interface DynamoDbProxyOptions {
  /** The DynamoDB endpoint to forward to, e.g. dynalite's `http://127.0.0.1:<port>`. */
  target: string;
  faults?: DynamoDbFaultsInput;
  /** Default 0: any free port. */
  port?: number;
  /**
   * Measure the capacity units each item request consumes (`DynamoDbExchange.consumedCapacity`):
   * the proxy asks DynamoDB for them, and leaves them out of the answer unless the client asked.
   */
  measureCapacity?: boolean;
}

export interface DynamoDbProxy {
  /** Where clients send their requests: `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** The endpoint behind the proxy, for readers that must not meet faults. */
  target: string;
  port: number;
  /** The faults: change them with `faults.configure`, read `faults.injected` and `faults.log()`. */
  faults: DynamoDbFaults;
  /**
   * Calls `listener` with every request DynamoDB answered with success, and its answer, as JSON;
   * returns the function that stops it.
   */
  observe(listener: (exchange: DynamoDbExchange) => void): () => void;
  close(): Promise<void>;
}

export interface DynamoDbExchange {
  operation: string;
  request: Record<string, unknown> | undefined;
  answer: Record<string, unknown> | undefined;
  /** The capacity units the request consumed, when the proxy measures them. */
  consumedCapacity?: number;
}

const TARGET_PREFIX = "DynamoDB_20120810.";
const CONTENT_TYPE = "application/x-amz-json-1.0";
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "host"]);
const TIME_TO_LIVE_OPERATIONS: ReadonlySet<string> = new Set([
  "UpdateTimeToLive",
  "DescribeTimeToLive",
]);

/** The answer DynamoDB gives for each refusal, as the AWS SDK parses it. */
const ERRORS: Record<
  "ProvisionedThroughputExceededException" | "ThrottlingException" | "InternalServerError",
  { status: number; type: string; message: string }
> = {
  ProvisionedThroughputExceededException: {
    status: 400,
    type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    message:
      "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
  },
  ThrottlingException: {
    status: 400,
    type: "com.amazon.coral.availability#ThrottlingException",
    message: "Rate of requests exceeds the allowed throughput.",
  },
  InternalServerError: {
    status: 500,
    type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
    message: "Internal server error",
  },
};

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export async function startDynamoDbProxy(options: DynamoDbProxyOptions): Promise<DynamoDbProxy> {
  const target = new URL(options.target);
  const faults = new DynamoDbFaults(options.faults);
  const agent = new Agent({ keepAlive: true });
  /** The TTL attribute of each table whose TTL is enabled. */
  const timeToLive = new Map<string, string>();
  const observers = new Set<(exchange: DynamoDbExchange) => void>();

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readRequestBody(request);
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      // Answered before the rest of the body arrives; the connection cannot carry another request.
      response.setHeader("connection", "close");
      sendError(response, { status: error.statusCode, type: error.type, message: error.message });
      return;
    }
    const described = describeRequest(request.headers, body);
    if (TIME_TO_LIVE_OPERATIONS.has(described.operation)) {
      await answerTimeToLive(request, response, described.operation, body);
      return;
    }
    const refusal = faults.refusal(described);
    if (refusal) {
      sendError(response, errorFor(refusal, faults.settings.throttleError));
      return;
    }
    const measured = await forwardMeasured(request, body, described.operation);
    const { upstream } = measured;
    if (upstream.status === 200 && faults.losesAnswer(described)) {
      if (faults.settings.lostResponse === "connection-reset") {
        request.socket.destroy();
        return;
      }
      sendError(response, ERRORS.InternalServerError);
      return;
    }
    if (upstream.status === 200 && observers.size > 0) {
      const exchange = {
        operation: described.operation,
        request: parseObject(body),
        answer: parseObject(upstream.body),
        ...(measured.units === undefined ? {} : { consumedCapacity: measured.units }),
      };
      for (const observer of observers) observer(exchange);
    }
    sendUpstream(response, upstream);
  }

  /**
   * dynalite has no TTL: the proxy keeps each table's setting and answers UpdateTimeToLive and
   * DescribeTimeToLive itself. Items are not expired.
   */
  async function answerTimeToLive(
    request: IncomingMessage,
    response: ServerResponse,
    operation: string,
    body: Buffer,
  ): Promise<void> {
    const input = parseObject(body);
    const tableName = input?.TableName;
    if (typeof tableName !== "string") {
      sendError(response, validationError("TableName is required and must be a string"));
      return;
    }
    // The table's existence, and DynamoDB's error when it has none, come from dynalite.
    const describe = await forward(
      {
        method: "POST",
        url: "/",
        headers: { ...request.headers, "x-amz-target": `${TARGET_PREFIX}DescribeTable` },
      },
      Buffer.from(JSON.stringify({ TableName: tableName })),
    );
    if (describe.status !== 200) {
      sendUpstream(response, describe);
      return;
    }
    const current = timeToLive.get(tableName);
    if (operation === "DescribeTimeToLive") {
      sendJson(response, {
        TimeToLiveDescription: current
          ? { TimeToLiveStatus: "ENABLED", AttributeName: current }
          : { TimeToLiveStatus: "DISABLED" },
      });
      return;
    }
    const specification = input?.TimeToLiveSpecification;
    const problem = timeToLiveProblem(specification, current);
    if (problem) {
      sendError(response, validationError(problem));
      return;
    }
    const { Enabled, AttributeName } = specification as { Enabled: boolean; AttributeName: string };
    if (Enabled) timeToLive.set(tableName, AttributeName);
    else timeToLive.delete(tableName);
    sendJson(response, { TimeToLiveSpecification: { Enabled, AttributeName } });
  }

  /**
   * Forwards the request; when measuring an item request, asks for its consumed capacity and
   * returns it, leaving it out of the answer the client did not ask it of.
   */
  async function forwardMeasured(
    request: IncomingMessage,
    body: Buffer,
    operation: string,
  ): Promise<{ upstream: Upstream; units?: number }> {
    const input = options.measureCapacity && ITEM_OPERATIONS.has(operation) && parseObject(body);
    if (!input) return { upstream: await forward(request, body) };
    const asked =
      input.ReturnConsumedCapacity !== undefined && input.ReturnConsumedCapacity !== "NONE";
    const upstream = await forward(
      request,
      asked ? body : Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: "TOTAL" })),
    );
    const answer = upstream.status === 200 ? parseObject(upstream.body) : undefined;
    if (!answer) return { upstream };
    const units = capacityUnits(answer.ConsumedCapacity);
    if (asked) return { upstream, units };
    const { ConsumedCapacity: _consumed, ...rest } = answer;
    const text = JSON.stringify(rest);
    return {
      upstream: {
        ...upstream,
        headers: { ...upstream.headers, "x-amz-crc32": String(crc32(text)) },
        body: Buffer.from(text),
      },
      units,
    };
  }

  function sendUpstream(response: ServerResponse, upstream: Upstream): void {
    const headers = Object.fromEntries(
      Object.entries(upstream.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
    );
    response.writeHead(upstream.status, { ...headers, "content-length": upstream.body.length });
    response.end(upstream.body);
  }

  function forward(
    request: Pick<IncomingMessage, "method" | "url" | "headers">,
    body: Buffer,
  ): Promise<Upstream> {
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
    );
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: { ...headers, "content-length": body.length },
        },
        (incoming) => {
          readBody(incoming).then(
            (answer) =>
              resolve({
                status: incoming.statusCode ?? 500,
                headers: incoming.headers,
                body: answer,
              }),
            reject,
          );
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    target: options.target,
    port,
    faults,
    observe: (listener) => {
      observers.add(listener);
      return () => observers.delete(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The requests DynamoDB charges request units for, whose consumed capacity it reports. */
const ITEM_OPERATIONS: ReadonlySet<string> = new Set([
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "BatchWriteItem",
  "TransactGetItems",
  "TransactWriteItems",
]);

/** The capacity units of a `ConsumedCapacity` answer: one object, or one per table. */
function capacityUnits(consumed: unknown): number {
  const entries = Array.isArray(consumed) ? consumed : [consumed];
  return entries.reduce<number>(
    (sum, entry) =>
      sum + (isObject(entry) && typeof entry.CapacityUnits === "number" ? entry.CapacityUnits : 0),
    0,
  );
}

/** The operation, the tables and the item key of a DynamoDB request. */
export function describeRequest(headers: IncomingHttpHeaders, body: Buffer): DynamoDbRequest {
  const target = String(headers["x-amz-target"] ?? "");
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8") || "{}");
  } catch {
    return { operation, tables: [] };
  }
  if (!isObject(parsed)) return { operation, tables: [] };
  return {
    operation,
    tables: tablesOf(parsed),
    ...(parsed.Key === undefined ? {} : { key: parsed.Key }),
  };
}

function tablesOf(request: Record<string, unknown>): string[] {
  if (typeof request.TableName === "string") return [request.TableName];
  if (isObject(request.RequestItems)) return Object.keys(request.RequestItems);
  if (Array.isArray(request.TransactItems)) {
    const names = request.TransactItems.flatMap((item) =>
      isObject(item)
        ? Object.values(item).flatMap((action) =>
            isObject(action) && typeof action.TableName === "string" ? [action.TableName] : [],
          )
        : [],
    );
    return [...new Set(names)];
  }
  return [];
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8") || "{}");
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** What DynamoDB refuses in an UpdateTimeToLive request, given the table's current attribute. */
function timeToLiveProblem(
  specification: unknown,
  current: string | undefined,
): string | undefined {
  if (!isObject(specification)) return "TimeToLiveSpecification is required";
  const { Enabled, AttributeName } = specification;
  if (typeof Enabled !== "boolean") return "TimeToLiveSpecification.Enabled must be a boolean";
  if (typeof AttributeName !== "string" || AttributeName.length < 1 || AttributeName.length > 255) {
    return "TimeToLiveSpecification.AttributeName must be 1 to 255 characters";
  }
  if (Enabled && current !== undefined) return "TimeToLive is already enabled";
  if (!Enabled && current === undefined) return "TimeToLive is already disabled";
  return undefined;
}

function validationError(message: string): { status: number; type: string; message: string } {
  return { status: 400, type: "com.amazon.coral.validate#ValidationException", message };
}

function sendJson(response: ServerResponse, output: unknown): void {
  const text = JSON.stringify(output);
  response.writeHead(200, {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    "x-amz-crc32": String(crc32(text)),
  });
  response.end(text);
}

function errorFor(
  refusal: Exclude<DynamoDbFaultKind, "lostResponse">,
  throttleError: "ProvisionedThroughputExceededException" | "ThrottlingException",
): (typeof ERRORS)[keyof typeof ERRORS] {
  return refusal === "throttled" ? ERRORS[throttleError] : ERRORS.InternalServerError;
}

function sendError(
  response: ServerResponse,
  error: { status: number; type: string; message: string },
): void {
  const text = JSON.stringify({ __type: error.type, message: error.message });
  response.writeHead(error.status, {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    "x-amz-crc32": String(crc32(text)),
  });
  response.end(text);
}

async function readBody(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
