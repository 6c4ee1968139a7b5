// CloudFormation resources generated from one table: a least-privilege role per Lambda, the state
// machine's role, the Lambda error alarms and the ops notifications. serverless.yml merges them.
const { configuredGroups } = require("./trigger-groups.cjs");
const requiredParameters = require("./parameters.cjs");
const NOTIFICATION_RULES = require("../src/notification-rules.json");
const APPLICATION = require("../src/application.json");

const sub = (text) => ({ "Fn::Sub": text });
const arnOf = (logicalId) => ({ "Fn::GetAtt": [logicalId, "Arn"] });
const TABLE = arnOf("JobsTable");
const INDEXES = { "Fn::Join": ["/", [arnOf("JobsTable"), "index", "*"]] };
const BUS = arnOf("OutcomeBus");
const STATE_MACHINE = { Ref: "IrflowStateMachine" };
const EXECUTIONS = sub(
  "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${IrflowStateMachine.Name}:*",
);
const JOBS = sub(
  "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:inference-recommendations-job/*",
);
const AI_JOBS = sub(
  "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:ai-recommendation-job/*",
);
const AI_WORKLOAD_CONFIGS = sub(
  "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:ai-workload-config/*",
);
/** The live endpoints a decision compares with, and their configs. */
const ENDPOINTS = [
  sub("arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/*"),
  sub("arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint-config/*"),
];
const packagesOf = (groups) =>
  groups.map((group) =>
    sub(
      `arn:\${AWS::Partition}:sagemaker:\${AWS::Region}:\${AWS::AccountId}:model-package/${group}/*`,
    ),
  );

/** A role's trust policy: which AWS service may assume it. */
const assumedBy = (service) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
});

const allow = (Action, Resource, Condition) => ({
  Effect: "Allow",
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});

/** The tag CreateJob puts on every job: the stack's name (the functions' STACK_NAME). */
const STACK_TAG = "irflow:stack";

/** The ARNs each resource name of src/application.json stands for in this stack. */
function resourceArns(name, { sagemakerRoleArn, packages }) {
  switch (name) {
    case "jobsTable":
      return [TABLE];
    case "jobsTableIndexes":
      return [INDEXES];
    case "outcomeBus":
      return [BUS];
    case "stateMachine":
      return [STATE_MACHINE];
    case "executions":
      return [EXECUTIONS];
    case "recommendationJobs":
      return [JOBS];
    case "aiRecommendationJobs":
      return [AI_JOBS];
    case "aiWorkloadConfigs":
      return [AI_WORKLOAD_CONFIGS];
    case "endpoints":
      return [ENDPOINTS[0]];
    case "endpointConfigs":
      return [ENDPOINTS[1]];
    // No configured package group: the statement is left out.
    case "modelPackages":
      return packages;
    case "sagemakerRole":
      return [sagemakerRoleArn];
    case "deadLetters":
      return [arnOf("TriggerDeadLetterQueue")];
    case "any":
      return ["*"];
    default:
      throw new Error(`src/application.json names an unknown resource: ${name}`);
  }
}

/** The IAM condition each condition name of src/application.json stands for. */
function conditionOf(name, stackName) {
  switch (name) {
    case undefined:
      return undefined;
    case "requestTaggedWithStack":
      return { StringEquals: { [`aws:RequestTag/${STACK_TAG}`]: stackName } };
    case "resourceTaggedWithStack":
      return { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: stackName } };
    case "passedToSageMaker":
      return { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } };
    default:
      throw new Error(`src/application.json names an unknown condition: ${name}`);
  }
}

/** Every function's statements, from its declared permissions (src/application.json). */
function statementsByFunction({ sagemakerRoleArn, groups, stackName }) {
  const packages = packagesOf(groups);
  const expand = (fn) =>
    fn.permissions.flatMap((permission) =>
      permission.use ? APPLICATION.permissionSets[permission.use] : [permission],
    );
  return Object.fromEntries(
    Object.entries(APPLICATION.functions).map(([key, fn]) => [
      key,
      expand(fn).flatMap((statement) => {
        const resources = statement.on.flatMap((name) =>
          resourceArns(name, { sagemakerRoleArn, packages }),
        );
        return resources.length === 0
          ? []
          : [allow(statement.actions, resources, conditionOf(statement.when, stackName))];
      }),
    ]),
  );
}

const keysInvokedBy = (test) =>
  Object.entries(APPLICATION.functions)
    .filter(([, fn]) => test(fn.invokedBy))
    .map(([key]) => key);
/** The functions the state machine invokes. */
const WORKFLOW_FUNCTIONS = keysInvokedBy((invoker) => invoker === "state-machine");
/** The functions whose events reach them through a rule on the default bus, and may dead-letter. */
const TRIGGERS = keysInvokedBy((invoker) => invoker !== "state-machine");

const pascal = (key) => key.charAt(0).toUpperCase() + key.slice(1);

function lambdaRole(key, statements, service) {
  const logGroup = sub(
    `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${service}-${key}:*`,
  );
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: assumedBy("lambda.amazonaws.com"),
      Policies: [
        {
          PolicyName: `${key}-least-privilege`,
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              allow(["logs:CreateLogStream", "logs:PutLogEvents"], [logGroup]),
              // X-Ray segments: PutTraceSegments has no resource-level permission.
              allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"]),
              ...statements,
            ],
          },
        },
      ],
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable("sls:stage");
  const { sagemakerRoleArn } = await requiredParameters({ resolveVariable });
  const service = `irflow-${stage}`;
  const groups = configuredGroups();
  const statements = statementsByFunction({ sagemakerRoleArn, groups, stackName: service });

  const Resources = {};
  for (const [key, list] of Object.entries(statements)) {
    Resources[`${pascal(key)}Role`] = lambdaRole(key, list, service);
  }

  Resources.StateMachineRole = {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: assumedBy("states.amazonaws.com"),
      Policies: [
        {
          PolicyName: "invoke-workflow-functions",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              allow(
                ["lambda:InvokeFunction"],
                WORKFLOW_FUNCTIONS.map((key) => arnOf(`${pascal(key)}LambdaFunction`)),
              ),
              // Step Functions log delivery and X-Ray: these actions take no resource ARN.
              allow(
                [
                  "logs:CreateLogDelivery",
                  "logs:GetLogDelivery",
                  "logs:UpdateLogDelivery",
                  "logs:DeleteLogDelivery",
                  "logs:ListLogDeliveries",
                  "logs:PutResourcePolicy",
                  "logs:DescribeResourcePolicies",
                  "logs:DescribeLogGroups",
                  "xray:PutTraceSegments",
                  "xray:PutTelemetryRecords",
                  "xray:GetSamplingRules",
                  "xray:GetSamplingTargets",
                ],
                ["*"],
              ),
            ],
          },
        },
      ],
    },
  };

  for (const key of [...WORKFLOW_FUNCTIONS, ...TRIGGERS]) {
    Resources[`${pascal(key)}ErrorsAlarm`] = {
      Type: "AWS::CloudWatch::Alarm",
      Properties: {
        AlarmName: `${service}-${key}-errors`,
        // Errors in three 5-minute periods in a row: a persistent fault. A single error that the
        // state machine retries (throttling, waiting out the account's job limit) does not alarm.
        AlarmDescription: `Lambda ${service}-${key} failed in three consecutive 5-minute periods.`,
        Namespace: "AWS/Lambda",
        MetricName: "Errors",
        Dimensions: [{ Name: "FunctionName", Value: { Ref: `${pascal(key)}LambdaFunction` } }],
        Statistic: "Sum",
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
        AlarmActions: [{ Ref: "NotificationsTopic" }],
      },
    };
  }

  Object.assign(Resources, notificationResources(service));

  // The framework names each trigger's rule after the function; only those rules may dead-letter.
  Resources.TriggerDeadLetterQueuePolicy = rulesMayWrite(
    "TriggerDeadLetterQueue",
    TRIGGERS.map((key) =>
      sub(
        `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${service}-${key}-rule-1`,
      ),
    ),
  );

  // The framework's log groups keep their retention (provider.logRetentionInDays); a removed
  // stack takes its logs with it, said here rather than left to CloudFormation's default.
  const extensions = {};
  for (const key of Object.keys(statements)) {
    extensions[`${pascal(key)}LogGroup`] = {
      DeletionPolicy: "Delete",
      UpdateReplacePolicy: "Delete",
    };
  }

  return { Resources, extensions };
};

/**
 * The ops notifications: the rules of src/notification-rules.json (the local bus carries the same
 * ones) publish to the topic, whose customer-managed key and policy let only these rules and
 * irflow's alarms in; an event a rule cannot deliver waits in a dead-letter queue, with alarms on
 * that queue and on the rules' failed invocations.
 */
function notificationResources(service) {
  // Built from the names rather than taken with GetAtt: the key's policy names the rules, the
  // rules target the topic and the topic uses the key, so a GetAtt here would be a cycle.
  const ruleArns = NOTIFICATION_RULES.map((rule) =>
    sub(
      `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/\${OutcomeBus}/${service}-${rule.name}`,
    ),
  );
  const alarms = sub(
    `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${service}-*`,
  );
  const thisAccount = { "aws:SourceAccount": { Ref: "AWS::AccountId" } };
  const Resources = {};
  for (const rule of NOTIFICATION_RULES) {
    Resources[rule.logicalId] = {
      Type: "AWS::Events::Rule",
      Properties: {
        Name: `${service}-${rule.name}`,
        Description: rule.description,
        EventBusName: { Ref: "OutcomeBus" },
        EventPattern: rule.eventPattern,
        Targets: [
          {
            Id: "notifications",
            Arn: { Ref: "NotificationsTopic" },
            InputTransformer: rule.inputTransformer,
            // A topic that refuses a message (throttled, key unusable) is retried for a day.
            RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
            DeadLetterConfig: { Arn: arnOf("NotificationDeadLetterQueue") },
          },
        ],
      },
    };
  }

  Resources.NotificationsKey = {
    Type: "AWS::KMS::Key",
    DeletionPolicy: "Delete",
    UpdateReplacePolicy: "Delete",
    Properties: {
      Description: `${service}: encrypts the ops notifications topic`,
      EnableKeyRotation: true,
      // The topic holds a message only until it is delivered: a week's wait is enough.
      PendingWindowInDays: 7,
      KeyPolicy: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root") },
            Action: "kms:*",
            Resource: "*",
          },
          // EventBridge and CloudWatch publish to an encrypted topic only if the key lets them
          // make and read its data keys; nothing else of the key is theirs.
          {
            Sid: "NotificationRulesEncrypt",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: thisAccount, ArnEquals: { "aws:SourceArn": ruleArns } },
          },
          {
            Sid: "AlarmsEncrypt",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: thisAccount, ArnLike: { "aws:SourceArn": alarms } },
          },
        ],
      },
    },
  };
  Resources.NotificationsKeyAlias = {
    Type: "AWS::KMS::Alias",
    Properties: {
      AliasName: `alias/${service}-notifications`,
      TargetKeyId: { Ref: "NotificationsKey" },
    },
  };

  Resources.NotificationsTopicPolicy = {
    Type: "AWS::SNS::TopicPolicy",
    Properties: {
      Topics: [{ Ref: "NotificationsTopic" }],
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "OutcomeRulesPublish",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: { Ref: "NotificationsTopic" },
            Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
          },
          {
            Sid: "AlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: { Ref: "NotificationsTopic" },
            Condition: { StringEquals: thisAccount, ArnLike: { "aws:SourceArn": alarms } },
          },
        ],
      },
    },
  };

  // Notifications no rule could deliver, kept 14 days.
  Resources.NotificationDeadLetterQueue = {
    Type: "AWS::SQS::Queue",
    DeletionPolicy: "Delete",
    UpdateReplacePolicy: "Delete",
    Properties: {
      QueueName: `${service}-notification-dlq`,
      MessageRetentionPeriod: 1209600,
      SqsManagedSseEnabled: true,
    },
  };
  Resources.NotificationDeadLetterQueuePolicy = rulesMayWrite(
    "NotificationDeadLetterQueue",
    ruleArns,
  );
  Resources.NotificationDeadLetterAlarm = {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      AlarmName: `${service}-notification-dead-letters`,
      AlarmDescription:
        "An ops notification could not be delivered to the topic; it waits in the notification dead-letter queue.",
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        {
          Name: "QueueName",
          Value: { "Fn::GetAtt": ["NotificationDeadLetterQueue", "QueueName"] },
        },
      ],
      Statistic: "Maximum",
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: "NotificationsTopic" }],
    },
  };
  Resources.NotificationRulesFailedAlarm = {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      AlarmName: `${service}-notification-rules-failed`,
      AlarmDescription:
        "A notification rule failed to invoke the topic (AWS/Events FailedInvocations).",
      Metrics: [
        ...NOTIFICATION_RULES.map((rule, index) => ({
          Id: `rule${index}`,
          ReturnData: false,
          MetricStat: {
            Metric: {
              Namespace: "AWS/Events",
              MetricName: "FailedInvocations",
              Dimensions: [
                { Name: "EventBusName", Value: { Ref: "OutcomeBus" } },
                { Name: "RuleName", Value: `${service}-${rule.name}` },
              ],
            },
            Period: 300,
            Stat: "Sum",
          },
        })),
        {
          Id: "failed",
          Expression: NOTIFICATION_RULES.map((_, index) => `FILL(rule${index}, 0)`).join(" + "),
          Label: "failed notification invocations",
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: "NotificationsTopic" }],
    },
  };
  return Resources;
}

/** A dead-letter queue's policy: only the named rules may send to it. */
function rulesMayWrite(queueId, ruleArns) {
  return {
    Type: "AWS::SQS::QueuePolicy",
    Properties: {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "RuleTargetsDeadLetter",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: arnOf(queueId),
            Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
          },
        ],
      },
    },
  };
}

module.exports.statementsByFunction = statementsByFunction;
module.exports.WORKFLOW_FUNCTIONS = WORKFLOW_FUNCTIONS;
