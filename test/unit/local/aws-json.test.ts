import {
  DescribeInferenceRecommendationsJobCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { AwsServiceError, startAwsJsonServer, toAwsJson } from "../../../local/aws-json.ts";
import { TEST_CREDENTIALS } from "../../support/sagemaker.ts";

describe("toAwsJson", () => {
  it("writes timestamps as epoch seconds and non-finite floats as strings", () => {
    // Prepare
    const value = {
      at: new Date(1_700_000_000_500),
      cpu: Number.NaN,
      up: Number.POSITIVE_INFINITY,
      list: [Number.NEGATIVE_INFINITY, 1.5],
    };

    // Act
    const text = toAwsJson(value);

    // Assess
    expect(JSON.parse(text)).toEqual({
      at: 1_700_000_000.5,
      cpu: "NaN",
      up: "Infinity",
      list: ["-Infinity", 1.5],
    });
  });
});

describe("startAwsJsonServer", () => {
  it("serves an operation the SDK parses, NaN and timestamps included", async () => {
    // Prepare
    const server = await startAwsJsonServer({
      targetPrefix: "SageMaker",
      jsonVersion: "1.1",
      operations: {
        DescribeInferenceRecommendationsJob: (input) => ({
          JobName: input.JobName,
          Status: "COMPLETED",
          CreationTime: new Date(Date.UTC(2026, 0, 1)),
          InferenceRecommendations: [
            {
              Metrics: { CostPerHour: 0.2, CpuUtilization: Number.NaN },
              EndpointConfiguration: { EndpointName: "e", VariantName: "v" },
              ModelConfiguration: {},
            },
          ],
        }),
      },
    });
    const client = new SageMakerClient({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
    });

    // Act
    const output = await client.send(
      new DescribeInferenceRecommendationsJobCommand({ JobName: "j" }),
    );
    client.destroy();
    await server.close();

    // Assess
    expect(output.JobName).toBe("j");
    expect(output.CreationTime?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(output.InferenceRecommendations?.[0]?.Metrics?.CpuUtilization).toBeNaN();
  });

  it("answers errors as AWS JSON with __type, status and a request id", async () => {
    // Prepare
    const server = await startAwsJsonServer({
      targetPrefix: "SageMaker",
      jsonVersion: "1.1",
      operations: {
        Fail: () => {
          throw new AwsServiceError("ResourceNotFound", "no such job");
        },
      },
    });
    const call = (target: string, body = "{}") =>
      fetch(server.endpoint, {
        method: "POST",
        headers: { "x-amz-target": target, "content-type": "application/x-amz-json-1.1" },
        body,
      });

    // Act
    const failed = await call("SageMaker.Fail");
    const unknown = await call("SageMaker.Nope");
    const garbled = await call("SageMaker.Fail", "{not json");
    const results = [
      [failed.status, failed.headers.get("x-amzn-requestid") !== null, await failed.json()],
      [unknown.status, ((await unknown.json()) as { __type: string }).__type],
      [garbled.status, ((await garbled.json()) as { __type: string }).__type],
    ];
    await server.close();

    // Assess
    expect(results).toEqual([
      [400, true, { __type: "ResourceNotFound", message: "no such job" }],
      [400, "UnknownOperationException"],
      [400, "SerializationException"],
    ]);
  });
});
