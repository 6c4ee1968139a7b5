/**
 * A jobs table of its own on dynalite, for tests that read and write DynamoDB without a whole
 * local stack: the document client is made as the functions make theirs.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createJobsTable, startDynalite } from "../../local/stack.ts";

export interface JobsTable {
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  close(): Promise<void>;
}

export async function openJobsTable(): Promise<JobsTable> {
  const dynamo = await startDynalite();
  await createJobsTable(dynamo.endpoint);
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    client,
    documents,
    close: async () => {
      client.destroy();
      await dynamo.close();
    },
  };
}
