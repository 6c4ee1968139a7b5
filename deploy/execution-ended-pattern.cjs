// The rule that cleans up after an execution of this stack's state machine that failed, timed out
// or was aborted. The fixed part is in src/infrastructure.json, shared with the local stack.
const { executionEndedPattern } = require("../src/infrastructure.json");

module.exports = () => ({
  ...executionEndedPattern,
  detail: { ...executionEndedPattern.detail, stateMachineArn: [{ Ref: "IrflowStateMachine" }] },
});
