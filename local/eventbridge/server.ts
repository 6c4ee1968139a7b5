/**
 * HTTP front of the local EventBridge, speaking AWS JSON 1.1 as the real endpoint does, so the
 * AWS SDK and CLI work against it unchanged. Signatures are accepted but not checked.
 *
 * Also serves `GET /_irflow/events` and `GET /_irflow/deliveries` for a person with curl.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LocalEventBus } from "./bus.ts";
import { ClientFault, SerializationException } from "./errors.ts";
import { invokeOperation, operationFromTarget } from "./protocol.ts";

export interface EventBridgeServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: "127.0.0.1";
  bus?: LocalEventBus;
  /** Used only when no bus is given. */
  region?: string;
  /** Used only when no bus is given. */
  accountId?: string;
}

export interface EventBridgeServer {
  endpoint: string;
  port: number;
  bus: LocalEventBus;
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";
/** Far above what 10 entries of 256 KB need; a bound so a stray client cannot exhaust memory. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

interface Reply {
  status: number;
  body: unknown;
  contentType?: string;
}

export async function startEventBridgeServer(
  options: EventBridgeServerOptions = {},
): Promise<EventBridgeServer> {
  const host = options.host ?? "127.0.0.1";
  const bus =
    options.bus ?? new LocalEventBus({ region: options.region, accountId: options.accountId });
  const server = createServer((request, response) => {
    void handle(bus, request).then((reply) => send(response, reply));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = boundPort(server.address());
  return {
    endpoint: `http://${host}:${port}`,
    port,
    bus,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this, close waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

function boundPort(address: AddressInfo | string | null): number {
  if (address === null || typeof address === "string") {
    throw new Error("The EventBridge server is not listening on a TCP port.");
  }
  return address.port;
}

async function handle(bus: LocalEventBus, request: IncomingMessage): Promise<Reply> {
  try {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method === "GET" && url.pathname.startsWith("/_irflow/"))
      return debugReply(bus, url);
    if (request.method !== "POST" || url.pathname !== "/") {
      return errorReply(
        404,
        "UnknownOperationException",
        `No route for ${request.method} ${url.pathname}.`,
      );
    }
    const operation = operationFromTarget(headerValue(request, "x-amz-target"));
    const body = parseBody(await readBody(request));
    return { status: 200, body: invokeOperation(bus, operation, body) };
  } catch (error) {
    if (error instanceof ClientFault)
      return errorReply(error.httpStatus, error.name, error.message);
    const message = error instanceof Error ? error.message : String(error);
    return errorReply(500, "InternalException", message);
  }
}

/** Read-only views of what the bus recorded, filtered by query parameters. */
function debugReply(bus: LocalEventBus, url: URL): Reply {
  const query = url.searchParams;
  if (url.pathname === "/_irflow/events") {
    const events = bus.received({
      busName: query.get("busName") ?? undefined,
      detailType: query.get("detailType") ?? undefined,
      source: query.get("source") ?? undefined,
    });
    return { status: 200, body: { events }, contentType: "application/json" };
  }
  if (url.pathname === "/_irflow/deliveries") {
    return { status: 200, body: { deliveries: bus.deliveries() }, contentType: "application/json" };
  }
  return errorReply(404, "ResourceNotFoundException", `No debug view at ${url.pathname}.`);
}

function errorReply(status: number, type: string, message: string): Reply {
  return { status, body: { __type: type, message } };
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new SerializationException("Request body is too large.");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new SerializationException("Request body is not valid JSON.", { cause });
  }
}

function send(response: ServerResponse, reply: Reply): void {
  const payload = JSON.stringify(reply.body);
  const headers: Record<string, string | number> = {
    "content-type": reply.contentType ?? JSON_CONTENT_TYPE,
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": randomUUID(),
  };
  if (reply.status >= 400 && isErrorBody(reply.body))
    headers["x-amzn-errortype"] = reply.body.__type;
  response.writeHead(reply.status, headers);
  response.end(payload);
}

function isErrorBody(body: unknown): body is { __type: string } {
  return (
    typeof body === "object" && body !== null && typeof Reflect.get(body, "__type") === "string"
  );
}
