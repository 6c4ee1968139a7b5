/**
 * The DynamoDB document client of a runtime: one per runtime, however many stores use it, so a
 * function that keeps both job records and the queue builds one client and one connection pool.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { awsClient, type Runtime } from "../runtime.ts";

const clients = new WeakMap<Runtime, DynamoDBDocumentClient>();

export function documentClient(runtime: Runtime): DynamoDBDocumentClient {
  let client = clients.get(runtime);
  if (!client) {
    client = DynamoDBDocumentClient.from(
      awsClient(runtime, "dynamodb", (settings) => new DynamoDBClient(settings)),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    clients.set(runtime, client);
  }
  return client;
}
