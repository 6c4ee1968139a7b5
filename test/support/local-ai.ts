/**
 * The emulated SageMaker alone, on a clock the test moves, with an SDK client: for tests of its
 * AI recommendation API.
 */
import { DescribeAIRecommendationJobCommand } from "@aws-sdk/client-sagemaker";
import type { FaultConfigInput } from "../../local/sagemaker/faults.ts";
import { type LocalSageMaker, startLocalSageMaker } from "./sagemaker.ts";

export { rejection } from "./sagemaker.ts";

export interface LocalAi extends LocalSageMaker {
  close(): Promise<void>;
}

export async function startLocalAi(
  options: { faults?: FaultConfigInput; maxAttempts?: number } = {},
): Promise<LocalAi> {
  const local = await startLocalSageMaker(options.faults, {
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  return {
    ...local,
    close: async () => {
      local.client.destroy();
      await local.server.close();
    },
  };
}

export function describeAiJob(target: LocalAi, name: string) {
  return target.client.send(
    new DescribeAIRecommendationJobCommand({ AIRecommendationJobName: name }),
  );
}
