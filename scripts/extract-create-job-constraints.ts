/**
 * Extracts the constraints of the CreateInferenceRecommendationsJob request from the SageMaker
 * service model of the installed botocore (the AWS CLI v1's Python SDK), and writes them to
 * local/sagemaker/data/create-job-constraints.json, with the botocore version, the model's API
 * version and the date. The emulator validates requests from that file, so tests never need
 * Python.
 *
 *   npx tsx scripts/extract-create-job-constraints.ts [--date YYYY-MM-DD]
 */
import { fileURLToPath } from "node:url";
import { extractOperationConstraints } from "./botocore-model.ts";

extractOperationConstraints({
  operation: "CreateInferenceRecommendationsJob",
  output: fileURLToPath(
    new URL("../local/sagemaker/data/create-job-constraints.json", import.meta.url),
  ),
  types: ["structure", "list", "string", "integer"],
  script: "scripts/extract-create-job-constraints.ts",
});
