import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LocalStack,
  PORT_OFFSETS,
  PortTakenError,
  startLocalStack,
} from "../../local/stack.ts";

/** A port base whose five ports were free a moment ago: the OS's free port, rounded down. */
async function freePortBase(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return Math.min(port - (port % 10), 65_530);
}

describe("a local stack on fixed ports", () => {
  let stack: LocalStack;
  let portBase: number;

  beforeAll(async () => {
    portBase = await freePortBase();
    stack = await startLocalStack({ portBase, logLevel: "ERROR" });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("puts each server at the port base plus its offset", () => {
    // Act
    const ports = Object.fromEntries(
      Object.entries(stack.endpoints).map(([server, endpoint]) => [
        server,
        Number(new URL(endpoint).port),
      ]),
    );

    // Assess
    expect(ports).toEqual({
      stepfunctions: portBase + PORT_OFFSETS.stepfunctions,
      sagemaker: portBase + PORT_OFFSETS.sagemaker,
      dynamodb: portBase + PORT_OFFSETS.dynamodb,
      eventbridge: portBase + PORT_OFFSETS.eventbridge,
      pricing: portBase + PORT_OFFSETS.pricing,
    });
  });

  it("gives its clients AWS_DEFAULT_REGION as well as AWS_REGION, for the AWS CLI v1", () => {
    expect(stack.environment).toMatchObject({
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
    });
  });
});

describe("a local stack whose fixed port is taken", () => {
  let blocker: Server;
  let portBase: number;

  beforeAll(async () => {
    portBase = await freePortBase();
    blocker = createServer();
    await new Promise<void>((resolve) =>
      blocker.listen(portBase + PORT_OFFSETS.dynamodb, "127.0.0.1", () => resolve()),
    );
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });

  it("refuses to start, naming the server and the port, and frees the ports it had taken", async () => {
    // Act
    const failure = await startLocalStack({ portBase, logLevel: "ERROR" }).catch(
      (error: unknown) => error,
    );
    // SageMaker starts before DynamoDB: its port must be free again.
    const sagemakerAgain = createServer();
    const sagemakerPort = portBase + PORT_OFFSETS.sagemaker;
    await new Promise<void>((resolve, reject) => {
      sagemakerAgain.once("error", reject);
      sagemakerAgain.listen(sagemakerPort, "127.0.0.1", () => resolve());
    });
    await new Promise<void>((resolve) => sagemakerAgain.close(() => resolve()));

    // Assess
    expect(failure).toBeInstanceOf(PortTakenError);
    expect((failure as Error).message).toBe(
      `port ${portBase + PORT_OFFSETS.dynamodb} for DynamoDB is already in use`,
    );
  });
});
