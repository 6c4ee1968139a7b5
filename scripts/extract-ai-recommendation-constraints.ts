/**
 * Extracts the constraints of the CreateAIRecommendationJob and CreateAIWorkloadConfig requests
 * from the SageMaker service model of the installed botocore, and writes them to
 * local/sagemaker/data/ai-recommendation-constraints.json, with the botocore version, the model's
 * API version and the date. The tests of the ai-recommendation spec check irflow's validator
 * against that file, so they never need Python.
 *
 *   npx tsx scripts/extract-ai-recommendation-constraints.ts [--date YYYY-MM-DD]
 */
import { fileURLToPath } from "node:url";
import {
  dateArgument,
  extractShapes,
  inputOf,
  loadSageMakerModel,
  writeConstraintsFile,
} from "./botocore-model.ts";

const OPERATIONS = ["CreateAIRecommendationJob", "CreateAIWorkloadConfig"];
const OUTPUT = fileURLToPath(
  new URL("../local/sagemaker/data/ai-recommendation-constraints.json", import.meta.url),
);

/** The kinds of shape these requests use; a new kind fails the extraction rather than pass unchecked. */
const SUPPORTED_TYPES = new Set(["structure", "list", "string", "boolean"]);

const loaded = loadSageMakerModel();
const inputs = Object.fromEntries(
  OPERATIONS.map((operation) => [operation, inputOf(loaded.model, operation)]),
);
const shapes = extractShapes(loaded.model, Object.values(inputs), SUPPORTED_TYPES);
writeConstraintsFile(OUTPUT, {
  source: {
    package: "botocore",
    version: loaded.botocore,
    service: loaded.model.metadata.serviceId,
    apiVersion: loaded.model.metadata.apiVersion,
    operations: OPERATIONS,
    extractedOn: dateArgument(),
    extractedBy: "scripts/extract-ai-recommendation-constraints.ts",
  },
  inputs,
  shapes,
});
console.log(
  `wrote ${Object.keys(shapes).length} shapes of ${OPERATIONS.join(" and ")} (botocore ${loaded.botocore}, API ${loaded.model.metadata.apiVersion})`,
);
