// The state machine for serverless-step-functions, from statemachine/irflow.asl.json: the same
// file the local stack and the tests run. Each `${<Name>FunctionArn}` placeholder (its pattern is
// in src/infrastructure.json, shared with the local stack's binding) becomes a Fn::GetAtt of that
// function's Lambda, which the plugin turns into a Fn::Sub.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { functionArnPlaceholder, stateMachineDefinition } = require("../src/infrastructure.json");
const { WORKFLOW_FUNCTIONS } = require("./resources.cjs");
const { executionTimeoutSeconds } = require("../src/time-budget.json");

const DEFINITION = join(__dirname, "..", stateMachineDefinition);

/** ValidateSpec -> validateSpec: the function's key in serverless.yml. */
const functionKey = (name) => name.charAt(0).toLowerCase() + name.slice(1);

/** A whole string value that is a placeholder; the deploy binds only whole `Resource` values. */
const PLACEHOLDER = new RegExp(`^(?:${functionArnPlaceholder})$`);

function substitute(node) {
  if (typeof node === "string") {
    const match = PLACEHOLDER.exec(node);
    if (!match) return node;
    const key = functionKey(match[1]);
    if (!WORKFLOW_FUNCTIONS.includes(key)) {
      throw new Error(
        `unknown function placeholder ${node}: the functions are ${WORKFLOW_FUNCTIONS.join(", ")}`,
      );
    }
    return { "Fn::GetAtt": [key, "Arn"] };
  }
  if (Array.isArray(node)) return node.map(substitute);
  if (node && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, substitute(value)]));
  }
  return node;
}

/** The execution's timeout comes from the time budget, as the local stack binds it. */
function withTimeout({ StartAt, ...rest }) {
  return { StartAt, TimeoutSeconds: executionTimeoutSeconds, ...rest };
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable("sls:stage");
  return {
    id: "IrflowStateMachine",
    name: `irflow-${stage}`,
    type: "STANDARD",
    role: { "Fn::GetAtt": ["StateMachineRole", "Arn"] },
    definition: withTimeout(substitute(JSON.parse(readFileSync(DEFINITION, "utf8")))),
    loggingConfig: {
      level: "ERROR",
      includeExecutionData: false,
      destinations: [{ "Fn::GetAtt": ["StateMachineLogGroup", "Arn"] }],
    },
    tracingConfig: { enabled: true },
  };
};

module.exports.substitute = substitute;
