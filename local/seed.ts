/**
 * The model packages the sample specs refer to, registered in the local model registry when the
 * stack starts, so `npm start` needs nothing from an AWS account.
 */
import type { ModelRegistry } from "./sagemaker/registry.ts";

export const SAMPLE_PACKAGE_GROUP = "fraud-xgboost";
export const SAMPLE_PACKAGE_VERSIONS = 7;

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
}
