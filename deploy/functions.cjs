// serverless.yml's functions, from the one declaration of the application (src/application.json):
// each function's handler and role, its timeout from the time budget (src/time-budget.json), the
// settings of its own, and for a trigger, the rule or schedule that invokes it with its retries
// and dead-letter queue.
const APPLICATION = require("../src/application.json");
const { lambdaTimeoutSeconds } = require("../src/time-budget.json");
const requiredParameters = require("./parameters.cjs");
const registryPattern = require("./registry-pattern.cjs");
const executionEndedPattern = require("./execution-ended-pattern.cjs");

const pascal = (key) => key.charAt(0).toUpperCase() + key.slice(1);
const DEAD_LETTERS = { "Fn::GetAtt": ["TriggerDeadLetterQueue", "Arn"] };

/** The value of each setting a function may declare. */
async function settingValue(name, { resolveVariable }) {
  switch (name) {
    case "STATE_MACHINE_ARN":
      return { Ref: "IrflowStateMachine" };
    case "SAGEMAKER_ROLE_ARN":
      return (await requiredParameters({ resolveVariable })).sagemakerRoleArn;
    default:
      throw new Error(`src/application.json names an unknown setting: ${name}`);
  }
}

/** The EventBridge event of each kind of trigger, with how long a delivery is retried. */
async function triggerEvent(invokedBy, context) {
  const delivery = (maximumEventAge) => ({
    retryPolicy: { maximumEventAge, maximumRetryAttempts: 185 },
    deadLetterQueueArn: DEAD_LETTERS,
  });
  switch (invokedBy) {
    case "registry-rule":
      return { pattern: await registryPattern(context), ...delivery(86400) };
    case "execution-ended-rule":
      return { pattern: await executionEndedPattern(context), ...delivery(86400) };
    case "schedule-rule":
      return {
        schedule: await context.resolveVariable("param:schedule"),
        enabled: await context.resolveVariable("param:scheduleEnabled"),
        // A schedule's window passes: an hour-old tick is not worth delivering.
        ...delivery(3600),
      };
    default:
      throw new Error(`src/application.json names an unknown invoker: ${invokedBy}`);
  }
}

module.exports = async (context) => {
  const functions = {};
  for (const [key, fn] of Object.entries(APPLICATION.functions)) {
    const timeout = lambdaTimeoutSeconds[key];
    const environment = {};
    for (const name of fn.settings ?? []) environment[name] = await settingValue(name, context);
    functions[key] = {
      handler: `${fn.handler}.handler`,
      role: `${pascal(key)}Role`,
      ...(timeout !== undefined ? { timeout } : {}),
      ...(Object.keys(environment).length > 0 ? { environment } : {}),
      ...(fn.invokedBy === "state-machine"
        ? {}
        : {
            // An event that fails delivery or every invocation lands in the dead-letter queue.
            maximumRetryAttempts: 2,
            onError: DEAD_LETTERS,
            events: [{ eventBridge: await triggerEvent(fn.invokedBy, context) }],
          }),
    };
  }
  return functions;
};
