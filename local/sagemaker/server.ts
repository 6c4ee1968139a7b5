/**
 * The local SageMaker endpoint: the emulated Inference Recommender and model registry behind the
 * AWS JSON 1.1 protocol, as `@aws-sdk/client-sagemaker` and `aws sagemaker` speak it.
 *
 * Debug routes, for people and tests: `GET /_irflow/health` (the faults in force and how many were
 * injected), and `PUT /_irflow/faults` with a fault configuration (see faults.ts) to change the
 * faults of a running server.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type RunningServer, sendJson, startAwsJsonServer } from "../aws-json.ts";
import { type Clock, ScaledClock } from "../clock.ts";
import { type FaultConfigInput, FaultInjector } from "./faults.ts";
import { InferenceRecommenderService } from "./service.ts";

export interface SageMakerServerOptions {
  port?: number;
  /** Simulated seconds per real second (600 runs a 45-minute job in 4.5 s). */
  timeScale?: number;
  clock?: Clock;
  faults?: FaultConfigInput;
  region?: string;
  accountId?: string;
  /** Hears of every API call, faulted ones included (what the account is metered for). */
  onOperation?: (operation: string) => void;
}

export interface RunningSageMaker extends RunningServer {
  service: InferenceRecommenderService;
}

export async function startSageMakerServer(
  options: SageMakerServerOptions = {},
): Promise<RunningSageMaker> {
  const service = new InferenceRecommenderService({
    clock: options.clock ?? new ScaledClock(options.timeScale ?? 1),
    faults: new FaultInjector(options.faults),
    ...(options.region ? { region: options.region } : {}),
    ...(options.accountId ? { accountId: options.accountId } : {}),
  });
  const server = await startAwsJsonServer({
    targetPrefix: "SageMaker",
    jsonVersion: "1.1",
    operations: service.operations(),
    ...(options.port !== undefined ? { port: options.port } : {}),
    beforeOperation: (operation) => service.faults.beforeCall(operation),
    ...(options.onOperation ? { onOperation: options.onOperation } : {}),
    extraRoutes: (request, response, body) => debugRoute(service, request, response, body),
  });
  return { ...server, service };
}

function debugRoute(
  service: InferenceRecommenderService,
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
): boolean {
  const json = "application/json";
  if (request.url === "/_irflow/health" && request.method === "GET") {
    sendJson(response, 200, json, {
      ok: true,
      faults: service.faults.settings,
      injected: service.faults.injected,
    });
    return true;
  }
  if (request.url === "/_irflow/faults" && request.method === "PUT") {
    try {
      service.faults.configure(JSON.parse(body || "{}"));
      sendJson(response, 200, json, service.faults.settings);
    } catch (error) {
      sendJson(response, 400, json, { message: String(error) });
    }
    return true;
  }
  return false;
}
