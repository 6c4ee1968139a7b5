// The model package groups whose approvals start a run: the groups of config/triggers.json. The
// registry rule's pattern and the triggers' DescribeModelPackage permission are scoped to them.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const TRIGGER_CONFIG = join(__dirname, "..", "config", "triggers.json");

const configuredGroups = () =>
  Object.keys(JSON.parse(readFileSync(TRIGGER_CONFIG, "utf8")).groups ?? {});

module.exports = { configuredGroups };
