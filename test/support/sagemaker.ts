import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { ManualClock } from "../../local/clock.ts";
import type { FaultConfigInput } from "../../local/sagemaker/faults.ts";
import { type RunningSageMaker, startSageMakerServer } from "../../local/sagemaker/server.ts";

export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
export const ROLE_ARN = "arn:aws:iam::111122223333:role/irflow-sagemaker";

export interface LocalSageMaker {
  server: RunningSageMaker;
  client: SageMakerClient;
  clock: ManualClock;
  /** Moves the emulator's clock on by this many simulated seconds. */
  advance(seconds: number): void;
}

export async function startLocalSageMaker(
  faults?: FaultConfigInput,
  { maxAttempts = 1 }: { maxAttempts?: number } = {},
): Promise<LocalSageMaker> {
  const clock = new ManualClock();
  const server = await startSageMakerServer({ clock, ...(faults ? { faults } : {}) });
  const client = new SageMakerClient({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    maxAttempts,
  });
  return { server, client, clock, advance: (seconds) => clock.advance(seconds * 1000) };
}

/** Registers a model package version the way a training pipeline would. */
export async function registerModelPackage(
  local: LocalSageMaker,
  group: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const { service } = local.server;
  try {
    service.registry.createGroup({ ModelPackageGroupName: group });
  } catch {
    // The group exists already: add a version to it.
  }
  const created = service.registry.createPackage({
    ModelPackageGroupName: group,
    Domain: "MACHINE_LEARNING",
    Task: "CLASSIFICATION",
    SamplePayloadUrl: "s3://irflow-samples/payload.tar.gz",
    InferenceSpecification: {
      Containers: [
        {
          Image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
          Framework: "XGBOOST",
          FrameworkVersion: "1.7",
          NearestModelName: "xgboost",
        },
      ],
      SupportedContentTypes: ["text/csv"],
      SupportedResponseMIMETypes: ["text/csv"],
    },
    ...overrides,
  });
  return String(created.ModelPackageArn);
}

/** The error a call rejects with; fails the test if the call succeeds. */
export async function rejection(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
