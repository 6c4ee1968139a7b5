// The model-registry rule: approvals of a version in one of the configured package groups
// (config/triggers.json). The same pattern is installed on the local stack's bus.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

module.exports = () => {
  const config = JSON.parse(readFileSync(join(__dirname, "..", "config", "triggers.json"), "utf8"));
  return {
    source: ["aws.sagemaker"],
    "detail-type": ["SageMaker Model Package State Change"],
    detail: {
      ModelApprovalStatus: ["Approved"],
      ModelPackageGroupName: Object.keys(config.groups ?? {}),
    },
  };
};
