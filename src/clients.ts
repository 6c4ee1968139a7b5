/**
 * AWS SDK clients, created once per process and configured only by the standard settings
 * (AWS_REGION, credentials, AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE>), so the same code runs
 * against AWS and against the local stack. Tests inject their own through `Clients`.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface Clients {
  sagemaker: SageMakerClient;
  dynamo: DynamoDBDocumentClient;
  events: EventBridgeClient;
}

let cached: Clients | undefined;

export function createClients(): Clients {
  return {
    sagemaker: new SageMakerClient({}),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    events: new EventBridgeClient({}),
  };
}

export function clients(): Clients {
  cached ??= createClients();
  return cached;
}

/** The triggers' clients: they read the model registry and start executions. */
export interface TriggerClients {
  sagemaker: SageMakerClient;
  sfn: SFNClient;
}

export function createTriggerClients(): TriggerClients {
  return { sagemaker: new SageMakerClient({}), sfn: new SFNClient({}) };
}
