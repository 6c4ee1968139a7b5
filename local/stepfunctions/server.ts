/**
 * HTTP transport for the local Step Functions service: the AWS JSON 1.0 server of
 * local/aws-json.ts (`POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`, as the AWS SDKs
 * call it) with the Step Functions operations. Binds to 127.0.0.1 only.
 */
import { startAwsJsonServer } from "../aws-json.ts";
import { stepFunctionsOperations, TARGET_PREFIX } from "./protocol.ts";
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

export async function startStepFunctionsServer(
  options: StepFunctionsServerOptions,
): Promise<StepFunctionsServer> {
  const { endpoint, port, close } = await startAwsJsonServer({
    targetPrefix: TARGET_PREFIX,
    jsonVersion: "1.0",
    operations: stepFunctionsOperations(options.service),
    host: "127.0.0.1",
    port: options.port ?? 0,
  });
  return { endpoint, port, close };
}
