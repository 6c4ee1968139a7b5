// The state machine for serverless-step-functions, from statemachine/irflow.asl.json: the same
// file the local stack and the tests run. Each `${<Name>FunctionArn}` placeholder becomes a
// Fn::GetAtt of that function's Lambda, which the plugin turns into a Fn::Sub.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const DEFINITION = join(__dirname, "..", "statemachine", "irflow.asl.json");

/** ValidateSpec -> validateSpec: the function's key in serverless.yml. */
const functionKey = (name) => name.charAt(0).toLowerCase() + name.slice(1);

function substitute(node) {
  if (typeof node === "string") {
    const match = /^\$\{([A-Za-z]+)FunctionArn\}$/.exec(node);
    return match ? { "Fn::GetAtt": [functionKey(match[1]), "Arn"] } : node;
  }
  if (Array.isArray(node)) return node.map(substitute);
  if (node && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, substitute(value)]));
  }
  return node;
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable("sls:stage");
  return {
    id: "IrflowStateMachine",
    name: `irflow-${stage}`,
    type: "STANDARD",
    role: { "Fn::GetAtt": ["StateMachineRole", "Arn"] },
    definition: substitute(JSON.parse(readFileSync(DEFINITION, "utf8"))),
    loggingConfig: {
      level: "ERROR",
      includeExecutionData: false,
      destinations: [{ "Fn::GetAtt": ["StateMachineLogGroup", "Arn"] }],
    },
    tracingConfig: { enabled: true },
  };
};

module.exports.substitute = substitute;
