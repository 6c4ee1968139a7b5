// The model-registry rule: approvals of a version in one of the configured package groups
// (config/triggers.json). The pattern's fixed part is in src/infrastructure.json, from which
// src/infrastructure.ts builds the same pattern for the local stack's bus.
const { registryApprovalPattern } = require("../src/infrastructure.json");
const { configuredGroups } = require("./trigger-groups.cjs");

/** Approvals in `groups`: the same pattern as registryApprovalPattern in src/infrastructure.ts. */
const patternFor = (groups) => ({
  ...registryApprovalPattern,
  detail: { ...registryApprovalPattern.detail, ModelPackageGroupName: [...groups] },
});

module.exports = () => patternFor(configuredGroups());
module.exports.patternFor = patternFor;
