/**
 * The emulated SageMaker alone, on a clock the test moves, with an SDK client: for tests of its
 * AI recommendation API.
 */
import { DescribeAIRecommendationJobCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { ManualClock } from "../../local/clock.ts";
import type { FaultConfigInput } from "../../local/sagemaker/faults.ts";
import { type RunningSageMaker, startSageMakerServer } from "../../local/sagemaker/server.ts";

export interface LocalAi {
  server: RunningSageMaker;
  client: SageMakerClient;
  /** Moves the emulator's clock on by this many simulated seconds. */
  advance(seconds: number): void;
  close(): Promise<void>;
}

export async function startLocalAi(
  options: { faults?: FaultConfigInput; maxAttempts?: number } = {},
): Promise<LocalAi> {
  const clock = new ManualClock();
  const server = await startSageMakerServer({
    clock,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const client = new SageMakerClient({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: options.maxAttempts ?? 1,
  });
  return {
    server,
    client,
    advance: (seconds) => clock.advance(seconds * 1000),
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

export function describeAiJob(target: LocalAi, name: string) {
  return target.client.send(
    new DescribeAIRecommendationJobCommand({ AIRecommendationJobName: name }),
  );
}

/** The error a call fails with; the test fails if it succeeds. */
export async function rejection(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
