import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelPackageGroupsCommand,
  ListModelsCommand,
} from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LocalSageMaker,
  registerModelPackage,
  startLocalSageMaker,
} from "../../support/sagemaker.ts";

let local: LocalSageMaker;

beforeAll(async () => {
  local = await startLocalSageMaker();
  await registerModelPackage(local, "fraud-xgboost");
  await registerModelPackage(local, "churn-lightgbm");
  for (const name of ["serving-a", "serving-b"]) {
    await local.client.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: `${name}-config`,
        ProductionVariants: [
          {
            VariantName: "AllTraffic",
            ModelName: "fraud-xgboost",
            InstanceType: "ml.c5.xlarge",
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    await local.client.send(
      new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }),
    );
  }
});

afterAll(async () => {
  local.client.destroy();
  await local.server.close();
});

describe("the List calls a user reaches for, through the SDK", () => {
  it("lists endpoints and endpoint configs, filtered by name and paged", async () => {
    // Act
    const endpoints = await local.client.send(
      new ListEndpointsCommand({ SortBy: "Name", SortOrder: "Ascending" }),
    );
    const filtered = await local.client.send(new ListEndpointsCommand({ NameContains: "-b" }));
    const firstPage = await local.client.send(new ListEndpointConfigsCommand({ MaxResults: 1 }));
    const secondPage = await local.client.send(
      new ListEndpointConfigsCommand({ MaxResults: 1, NextToken: firstPage.NextToken }),
    );

    // Assess
    expect(endpoints.Endpoints?.map((endpoint) => endpoint.EndpointName)).toEqual([
      "serving-a",
      "serving-b",
    ]);
    expect(endpoints.Endpoints?.[0]).toMatchObject({
      EndpointArn: expect.stringMatching(/:endpoint\/serving-a$/),
      EndpointStatus: "InService",
      CreationTime: expect.any(Date),
    });
    expect(filtered.Endpoints?.map((endpoint) => endpoint.EndpointName)).toEqual(["serving-b"]);
    const pagedNames = [...(firstPage.EndpointConfigs ?? []), ...(secondPage.EndpointConfigs ?? [])]
      .map((config) => config.EndpointConfigName)
      .sort();
    expect(pagedNames).toEqual(["serving-a-config", "serving-b-config"]);
    expect(secondPage.NextToken).toBeUndefined();
  });

  it("lists model package groups, and no models since CreateModel is not emulated", async () => {
    // Act
    const groups = await local.client.send(
      new ListModelPackageGroupsCommand({ SortBy: "Name", SortOrder: "Ascending" }),
    );
    const models = await local.client.send(new ListModelsCommand({}));

    // Assess
    expect(
      groups.ModelPackageGroupSummaryList?.map((group) => group.ModelPackageGroupName),
    ).toEqual(["churn-lightgbm", "fraud-xgboost"]);
    expect(groups.ModelPackageGroupSummaryList?.[0]).toMatchObject({
      ModelPackageGroupArn: expect.stringMatching(/:model-package-group\/churn-lightgbm$/),
      ModelPackageGroupStatus: "Completed",
    });
    expect(models.Models).toEqual([]);
  });
});
