/**
 * HTTP transport for the local Step Functions service: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Operation>`, as the AWS SDKs call it. Signatures are accepted
 * without being checked. Binds to 127.0.0.1 only.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleJsonRequest, JSON_1_0_CONTENT_TYPE, type ProtocolResponse } from "./protocol.ts";
import type { LocalStepFunctions } from "./service.ts";

export interface StepFunctionsServerOptions {
  /** Default 0: any free port. */
  port?: number;
  service: LocalStepFunctions;
}

export interface StepFunctionsServer {
  /** `http://127.0.0.1:<port>`, for `new SFNClient({ endpoint })`. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";

export async function startStepFunctionsServer(
  options: StepFunctionsServerOptions,
): Promise<StepFunctionsServer> {
  const server = createServer((request, response) => {
    respond(options.service, request, response).catch(() => {
      // The request broke off mid-body; there is nobody left to answer.
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${HOST}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this, close waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

async function respond(
  service: LocalStepFunctions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  let reply: ProtocolResponse;
  if (request.method !== "POST" || (request.url ?? "/").split("?")[0] !== "/") {
    request.resume();
    reply = {
      statusCode: 404,
      body: JSON.stringify({ __type: "UnknownOperationException", message: "Use POST /" }),
    };
  } else {
    const target = request.headers["x-amz-target"];
    reply = await handleJsonRequest(
      service,
      Array.isArray(target) ? target[0] : target,
      await readBody(request),
    );
  }
  const body = Buffer.from(reply.body, "utf8");
  response.writeHead(reply.statusCode, {
    "Content-Type": JSON_1_0_CONTENT_TYPE,
    "Content-Length": body.length,
    "x-amzn-RequestId": randomUUID(),
  });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString("utf8");
}
