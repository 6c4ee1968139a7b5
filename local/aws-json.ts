/**
 * A minimal server for the AWS JSON protocols (1.0 and 1.1), as the AWS SDKs and the AWS CLI
 * speak them: `POST /` with `X-Amz-Target: <prefix>.<Operation>`, a JSON body, JSON responses
 * with `x-amzn-requestid`, and errors as `{ "__type", "message" }`. Signatures are accepted
 * without being checked: the local stack has no credentials to check them against.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** An error the way an AWS service returns it. */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = type;
  }
}

/**
 * A base for a service's own error classes, one per AWS error code:
 * `class ValidationException extends awsErrorClass("ValidationException") {}`.
 */
export function awsErrorClass(type: string, statusCode = 400) {
  return class extends AwsServiceError {
    constructor(message: string, options?: ErrorOptions) {
      super(type, message, statusCode, options);
    }
  };
}

export type JsonObject = Record<string, unknown>;
export type OperationHandler = (input: JsonObject) => unknown;

export interface AwsJsonServerOptions {
  /** The part of X-Amz-Target before the dot, e.g. `SageMaker` or `AWSEvents`. */
  targetPrefix: string;
  jsonVersion: "1.0" | "1.1";
  operations: Record<string, OperationHandler>;
  host?: string;
  port?: number;
  /** Runs before every operation; throw an AwsServiceError to inject a fault. */
  beforeOperation?: (operation: string) => void;
  /** Hears of every call of a known operation with a JSON object for input, before its faults. */
  onOperation?: (operation: string, input: JsonObject) => void;
  /**
   * Handles requests that are not AWS calls (debug routes); return true when handled, or throw an
   * AwsServiceError to answer with it. `url` is the parsed request URL, query included.
   */
  extraRoutes?: (
    request: IncomingMessage,
    response: ServerResponse,
    body: string,
    url: URL,
  ) => boolean;
}

export interface RunningServer {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** The largest request body a local server reads, as Lambda's synchronous payload quota. */
export const MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024;

export async function startAwsJsonServer(options: AwsJsonServerOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const contentType = `application/x-amz-json-${options.jsonVersion}`;

  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        const url = new URL(request.url ?? "/", "http://localhost");
        if (options.extraRoutes?.(request, response, body, url)) return;
        if (request.method !== "POST" || url.pathname !== "/") {
          throw new AwsServiceError(
            "UnknownOperationException",
            `No route for ${request.method} ${url.pathname}.`,
            404,
          );
        }
        return handleCall(request, response, body);
      })
      .catch((error: unknown) => sendError(response, contentType, error))
      // The request broke off, or the answer failed half-way: there is nobody left to answer.
      .catch(() => response.destroy());
  });

  async function handleCall(request: IncomingMessage, response: ServerResponse, body: string) {
    const target = String(request.headers["x-amz-target"] ?? "");
    const [prefix, operation = ""] = target.split(".");
    const handler =
      prefix === options.targetPrefix && operation && Object.hasOwn(options.operations, operation)
        ? options.operations[operation]
        : undefined;
    if (!handler) {
      throw new AwsServiceError(
        "UnknownOperationException",
        `Operation ${target || "(none)"} is not supported.`,
      );
    }
    let input: unknown;
    try {
      input = body.trim() === "" ? {} : JSON.parse(body);
    } catch (error) {
      throw new AwsServiceError("SerializationException", "the request body is not JSON", 400, {
        cause: error,
      });
    }
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      throw new AwsServiceError("SerializationException", "the request body is not a JSON object");
    }
    options.onOperation?.(operation, input as JsonObject);
    options.beforeOperation?.(operation);
    const output = await handler(input as JsonObject);
    sendJson(response, 200, contentType, output ?? {});
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Serializes as the AWS JSON protocols do: timestamps as epoch seconds, and the non-finite
 * floats as the strings "NaN", "Infinity" and "-Infinity".
 */
export function toAwsJson(value: unknown): string {
  return JSON.stringify(value, function replace(this: JsonObject, key: string, item: unknown) {
    const raw = key === "" ? item : this[key];
    if (raw instanceof Date) return raw.getTime() / 1000;
    if (typeof raw === "number" && !Number.isFinite(raw)) {
      return Number.isNaN(raw) ? "NaN" : raw > 0 ? "Infinity" : "-Infinity";
    }
    return item;
  });
}

export function sendJson(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: unknown,
): void {
  const text = toAwsJson(body);
  response.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(text);
}

/** Answers with an AWS JSON error; anything but an AwsServiceError is an InternalFailure (500). */
function sendError(response: ServerResponse, contentType: string, error: unknown): void {
  const failure =
    error instanceof AwsServiceError
      ? error
      : new AwsServiceError(
          "InternalFailure",
          error instanceof Error ? error.message : String(error),
          500,
          { cause: error },
        );
  response.setHeader("x-amzn-errortype", failure.type);
  sendJson(response, failure.statusCode, contentType, {
    __type: failure.type,
    message: failure.message,
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  return (await readRequestBody(request)).toString("utf8");
}

/** A request's body, refused with HTTP 413 once it passes `MAX_REQUEST_BODY_BYTES`. */
export async function readRequestBody(request: IncomingMessage): Promise<Buffer> {
  const tooLarge = () =>
    new AwsServiceError("SerializationException", "the request body is too large", 413);
  if (Number(request.headers["content-length"] ?? 0) > MAX_REQUEST_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads an epoch-seconds timestamp from a request field, as the SDKs send them. */
export function timestampInput(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const seconds = typeof value === "string" ? Number(value) : value;
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) {
    throw new AwsServiceError("ValidationException", `${field} is not a timestamp`);
  }
  return new Date(seconds * 1000);
}
