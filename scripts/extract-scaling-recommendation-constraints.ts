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
import {
  dateArgument,
  extractShapes,
  inputOf,
  loadSageMakerModel,
  writeConstraintsFile,
} from "./botocore-model.ts";

const OPERATION = "GetScalingConfigurationRecommendation";
const OUTPUT = fileURLToPath(
  new URL("../local/sagemaker/data/scaling-recommendation-constraints.json", import.meta.url),
);

/** The kinds of shape this request uses; a new kind fails the extraction rather than pass unchecked. */
const SUPPORTED_TYPES = new Set(["structure", "string", "integer"]);

const loaded = loadSageMakerModel();
const input = inputOf(loaded.model, OPERATION);
const shapes = extractShapes(loaded.model, [input], SUPPORTED_TYPES);
writeConstraintsFile(OUTPUT, {
  source: {
    package: "botocore",
    version: loaded.botocore,
    service: loaded.model.metadata.serviceId,
    apiVersion: loaded.model.metadata.apiVersion,
    operation: OPERATION,
    extractedOn: dateArgument(),
    extractedBy: "scripts/extract-scaling-recommendation-constraints.ts",
  },
  input,
  shapes,
});
console.log(
  `wrote ${Object.keys(shapes).length} shapes of ${OPERATION} (botocore ${loaded.botocore}, API ${loaded.model.metadata.apiVersion})`,
);
