/**
 * Extracts the constraints of the GetScalingConfigurationRecommendation request from the
 * SageMaker service model of the installed botocore, and writes them to
 * local/sagemaker/data/scaling-recommendation-constraints.json, with the botocore version, the
 * model's API version and the date. The emulator validates requests from that file, as it does
 * CreateInferenceRecommendationsJob's, so tests never need Python.
 *
 *   npx tsx scripts/extract-scaling-recommendation-constraints.ts [--date YYYY-MM-DD]
 */
import { fileURLToPath } from "node:url";
import { extractOperationConstraints } from "./botocore-model.ts";

extractOperationConstraints({
  operation: "GetScalingConfigurationRecommendation",
  output: fileURLToPath(
    new URL("../local/sagemaker/data/scaling-recommendation-constraints.json", import.meta.url),
  ),
  types: ["structure", "string", "integer"],
  script: "scripts/extract-scaling-recommendation-constraints.ts",
});
