/**
 * The model packages the sample specs refer to, registered in the local model registry when the
 * stack starts, so `npm start` needs nothing from an AWS account; and the live endpoint the
 * existing-endpoint sample benchmarks and a re-tuning policy compares with.
 */
import type { ModelRegistry } from "./sagemaker/registry.ts";

export const SAMPLE_PACKAGE_GROUP = "fraud-xgboost";
export const SAMPLE_PACKAGE_VERSIONS = 7;
/** The sample's production endpoint: version 7 on four ml.m5.xlarge instances. */
export const SAMPLE_ENDPOINT = {
  name: "fraud-xgboost-prod",
  instanceType: "ml.m5.xlarge",
  instanceCount: 4,
} as const;

export function seedModelRegistry(registry: ModelRegistry): void {
  registry.createGroup({
    ModelPackageGroupName: SAMPLE_PACKAGE_GROUP,
    ModelPackageGroupDescription: "Card-fraud classifier (XGBoost), the sample model",
  });
  for (let version = 1; version <= SAMPLE_PACKAGE_VERSIONS; version += 1) {
    registry.createPackage({
      ModelPackageGroupName: SAMPLE_PACKAGE_GROUP,
      ModelPackageDescription: `fraud-xgboost training run ${version}`,
      ModelApprovalStatus: version === SAMPLE_PACKAGE_VERSIONS ? "Approved" : "Rejected",
      Domain: "MACHINE_LEARNING",
      Task: "CLASSIFICATION",
      SamplePayloadUrl: "s3://irflow-samples/fraud-xgboost/payload.tar.gz",
      InferenceSpecification: {
        Containers: [
          {
            Image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
            ModelDataUrl: `s3://irflow-samples/fraud-xgboost/model-v${version}.tar.gz`,
            Framework: "XGBOOST",
            FrameworkVersion: "1.7",
            NearestModelName: "xgboost",
          },
        ],
        SupportedContentTypes: ["text/csv"],
        SupportedResponseMIMETypes: ["text/csv"],
        SupportedRealtimeInferenceInstanceTypes: ["ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge"],
      },
    });
  }
  registry.createEndpointConfig({
    EndpointConfigName: `${SAMPLE_ENDPOINT.name}-config`,
    ProductionVariants: [
      {
        VariantName: "AllTraffic",
        ModelName: `${SAMPLE_PACKAGE_GROUP}-v${SAMPLE_PACKAGE_VERSIONS}`,
        InstanceType: SAMPLE_ENDPOINT.instanceType,
        InitialInstanceCount: SAMPLE_ENDPOINT.instanceCount,
        InitialVariantWeight: 1,
      },
    ],
  });
  registry.createEndpoint({
    EndpointName: SAMPLE_ENDPOINT.name,
    EndpointConfigName: `${SAMPLE_ENDPOINT.name}-config`,
  });
}
