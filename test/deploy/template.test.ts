/**
 * Reads the CloudFormation template that `npm run package` produces offline and checks what was
 * generated: functions, the state machine and its definition, rules, IAM, encryption, recovery.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { transformInput } from "../../local/eventbridge/input-transform.ts";
import { matchesPattern } from "../../local/eventbridge/pattern.ts";
import type { EventEnvelope } from "../../local/eventbridge/types.ts";
import { APPLICATION, declaredStatements, pascalName } from "../../src/application.ts";
import {
  JOBS_TABLE,
  JOBS_TABLE_TIME_TO_LIVE,
  NOTIFICATION_RULES,
  registryApprovalPattern,
  STATE_MACHINE_DEFINITION_PATH,
} from "../../src/infrastructure.ts";
import { TIME_BUDGET } from "../../src/time-budget.ts";
import { bindDefinition, WORKFLOW_FUNCTIONS } from "../../src/workflow/functions.ts";
import { clientsIn, readZip } from "../support/zip.ts";

const ROOT = join(import.meta.dirname, "../..");
/** The rules that feed the ops topic, as src/notification-rules.json declares them. */
const NOTIFICATION_RULE_IDS = (
  JSON.parse(readFileSync(join(ROOT, "src/notification-rules.json"), "utf8")) as {
    logicalId: string;
  }[]
).map((rule) => rule.logicalId);

/** A notification rule's ARN as the policies name it: on the outcome bus, by its name. */
function notificationRuleArn(id: string): Json {
  return {
    "Fn::Sub": `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/\${OutcomeBus}/${resources[id]?.Properties.Name}`,
  };
}
const SLS = createRequire(import.meta.url).resolve("osls/bin/serverless.js");

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
interface Statement {
  Sid?: string;
  Principal?: unknown;
  Effect: string;
  Action: string[] | string;
  Resource: unknown[] | string;
  Condition?: Json;
}

let resources: Record<string, Resource>;

beforeAll(async () => {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: "",
    AWS_SECRET_ACCESS_KEY: "",
    SLS_TELEMETRY_DISABLED: "1",
  };
  await promisify(execFile)(process.execPath, [SLS, "package", "--stage", "ci"], {
    cwd: ROOT,
    env,
    timeout: 240_000,
  });
  const template = JSON.parse(
    readFileSync(join(ROOT, ".serverless/cloudformation-template-update-stack.json"), "utf8"),
  ) as { Resources: Record<string, Resource> };
  resources = template.Resources;
}, 300_000);

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

function statementsOf(roleId: string): Statement[] {
  const policies = resources[roleId]?.Properties.Policies as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

const list = (value: unknown[] | string): unknown[] => (Array.isArray(value) ? value : [value]);

/** Every action a role allows, apart from writing its own logs and traces. */
function businessActions(roleId: string): string[] {
  const actions = statementsOf(roleId)
    .flatMap((statement) => list(statement.Action) as string[])
    .filter((action) => !action.startsWith("logs:") && !action.startsWith("xray:"));
  return [...new Set(actions)].sort();
}

/** Every Lambda the stack deploys, by the name its logical ids start with. */
const FUNCTIONS = [
  ...Object.keys(WORKFLOW_FUNCTIONS),
  "RegistryTrigger",
  "ScheduleTrigger",
  "ExecutionEnded",
];
const TRIGGERS = ["RegistryTrigger", "ScheduleTrigger", "ExecutionEnded"];

describe("the packaged CloudFormation template", () => {
  it("has every Lambda on a supported Node.js runtime, bundled per function", () => {
    // Act
    const functions = ofType("AWS::Lambda::Function");

    // Assess
    expect(functions.map(([id]) => id).sort()).toEqual(
      FUNCTIONS.map((name) => `${name}LambdaFunction`).sort(),
    );
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe("nodejs22.x");
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      expect((fn.Properties.Code as Json).S3Key).toMatch(/\.zip$/);
    }
  });

  it("deploys the same definition that the local stack runs", () => {
    // Prepare
    const machine = resources.IrflowStateMachine?.Properties ?? {};
    const [body, bindings] = (
      machine.DefinitionString as {
        "Fn::Sub": [string, Record<string, { "Fn::GetAtt": [string, string] }>];
      }
    )["Fn::Sub"];
    const deployed = body.replace(
      /\$\{(\w+)\}/g,
      (_, key: string) => `function:${bindings[key]?.["Fn::GetAtt"][0]}`,
    );

    // Act
    const source = bindDefinition(
      readFileSync(join(ROOT, STATE_MACHINE_DEFINITION_PATH), "utf8"),
      (name) => `function:${name}LambdaFunction`,
    );

    // Assess
    expect(JSON.parse(deployed)).toEqual(JSON.parse(source));
    expect(machine.StateMachineType).toBe("STANDARD");
    expect(machine.RoleArn).toEqual({ "Fn::GetAtt": ["StateMachineRole", "Arn"] });
  });

  it("deploys every function as src/application.json declares it: its handler, its role's permissions, its invoker", () => {
    // Prepare
    const ruleTargets = JSON.stringify(ofType("AWS::Events::Rule").map(([, rule]) => rule));

    // Assess
    expect(FUNCTIONS.map((name) => name.charAt(0).toLowerCase() + name.slice(1)).sort()).toEqual(
      Object.keys(APPLICATION.functions).sort(),
    );
    for (const [key, fn] of Object.entries(APPLICATION.functions)) {
      const name = pascalName(key);
      expect([key, functionResource(key).Handler]).toEqual([key, `${fn.handler}.handler`]);
      const declared = [
        ...new Set(declaredStatements(key).flatMap((statement) => statement.actions)),
      ];
      expect([key, [...new Set(businessActions(`${name}Role`))]]).toEqual([key, declared.sort()]);
      expect([key, ruleTargets.includes(`${name}LambdaFunction`)]).toEqual([
        key,
        fn.invokedBy !== "state-machine",
      ]);
    }
  });

  it("takes every Lambda timeout, the queue deadline and the execution's timeout from the time budget", () => {
    // Prepare
    const machine = resources.IrflowStateMachine?.Properties ?? {};
    const [body] = (machine.DefinitionString as { "Fn::Sub": [string] })["Fn::Sub"];

    // Assess
    expect(JSON.parse(body).TimeoutSeconds).toBe(TIME_BUDGET.executionTimeoutSeconds);
    for (const name of FUNCTIONS) {
      const key = name.charAt(0).toLowerCase() + name.slice(1);
      const fn = functionResource(key);
      const timeouts: Record<string, number> = TIME_BUDGET.lambdaTimeoutSeconds;
      expect([name, fn.Timeout]).toEqual([name, timeouts[key] ?? timeouts.default]);
      expect(
        (fn.Environment as { Variables: Record<string, unknown> }).Variables.QUEUE_DEADLINE_SECONDS,
      ).toBe(String(TIME_BUDGET.queueDeadlineSeconds.default));
    }
  });

  it("lets the state machine invoke exactly the workflow functions", () => {
    // Act
    const statements = statementsOf("StateMachineRole").filter((statement) =>
      list(statement.Action).includes("lambda:InvokeFunction"),
    );

    // Assess
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Resource).toEqual(
      Object.keys(WORKFLOW_FUNCTIONS).map((name) => ({
        "Fn::GetAtt": [`${name}LambdaFunction`, "Arn"],
      })),
    );
  });

  it("gives each function only the actions it calls", () => {
    // Act
    const actions = Object.fromEntries(
      FUNCTIONS.map((name) => [name, businessActions(`${name}Role`)]),
    );

    // Assess
    expect(actions).toEqual({
      ValidateSpec: ["dynamodb:PutItem"],
      CreateJob: [
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
        "iam:PassRole",
        "sagemaker:AddTags",
        "sagemaker:CreateAIRecommendationJob",
        "sagemaker:CreateAIWorkloadConfig",
        "sagemaker:CreateInferenceRecommendationsJob",
        "sagemaker:DescribeAIRecommendationJob",
        "sagemaker:DescribeAIWorkloadConfig",
        "sagemaker:DescribeInferenceRecommendationsJob",
      ],
      AcquireSlot: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
      ],
      DescribeJob: [
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "sagemaker:DescribeAIRecommendationJob",
        "sagemaker:DescribeInferenceRecommendationsJob",
        "sagemaker:ListInferenceRecommendationsJobSteps",
      ],
      SelectRecommendation: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "pricing:GetProducts",
        "sagemaker:DescribeAIRecommendationJob",
        "sagemaker:DescribeEndpoint",
        "sagemaker:DescribeEndpointConfig",
        "sagemaker:DescribeInferenceRecommendationsJob",
        "sagemaker:GetScalingConfigurationRecommendation",
        "sagemaker:ListInferenceRecommendationsJobSteps",
      ],
      DiagnoseFailure: [
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "sagemaker:DescribeAIRecommendationJob",
        "sagemaker:DescribeInferenceRecommendationsJob",
        "sagemaker:ListInferenceRecommendationsJobSteps",
      ],
      StopJob: [
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "sagemaker:DescribeAIRecommendationJob",
        "sagemaker:DescribeInferenceRecommendationsJob",
        "sagemaker:ListInferenceRecommendationsJobSteps",
        "sagemaker:ListTags",
        "sagemaker:StopAIRecommendationJob",
        "sagemaker:StopInferenceRecommendationsJob",
      ],
      PublishOutcome: ["dynamodb:GetItem", "dynamodb:UpdateItem", "events:PutEvents"],
      RegistryTrigger: [
        "sagemaker:DescribeModelPackage",
        "sqs:SendMessage",
        "states:DescribeExecution",
        "states:StartExecution",
      ],
      ScheduleTrigger: [
        "sagemaker:DescribeModelPackage",
        "sagemaker:ListModelPackages",
        "sqs:SendMessage",
        "states:DescribeExecution",
        "states:StartExecution",
      ],
      ExecutionEnded: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "events:PutEvents",
        "sagemaker:DescribeAIRecommendationJob",
        "sagemaker:DescribeInferenceRecommendationsJob",
        "sagemaker:ListInferenceRecommendationsJobSteps",
        "sagemaker:ListTags",
        "sagemaker:StopAIRecommendationJob",
        "sagemaker:StopInferenceRecommendationsJob",
        "sqs:SendMessage",
        "states:DescribeExecution",
        "states:GetExecutionHistory",
      ],
    });
  });

  it("has no wildcard action, and a wildcard resource only where the API allows nothing else", () => {
    // Prepare
    const allowedWildcards = new Set([
      "sagemaker:ListModelPackages",
      "pricing:GetProducts",
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
    ]);
    const statements = ofType("AWS::IAM::Role").flatMap(([id]) => statementsOf(id));

    // Act
    const wildcardActions = statements
      .flatMap((statement) => list(statement.Action))
      .filter((action) => String(action).includes("*"));
    const wildcardResources = statements
      .filter((statement) => list(statement.Resource).includes("*"))
      .flatMap((statement) => list(statement.Action) as string[])
      .filter((action) => !allowedWildcards.has(action) && !action.startsWith("logs:"));

    // Assess
    expect(wildcardActions).toEqual([]);
    expect(wildcardResources).toEqual([]);
  });

  it("passes only the configured SageMaker role, only to SageMaker", () => {
    // Act
    const passRole = statementsOf("CreateJobRole").find((statement) =>
      list(statement.Action).includes("iam:PassRole"),
    );

    // Assess
    expect(passRole?.Resource).toEqual(["arn:aws:iam::111122223333:role/irflow-sagemaker"]);
    expect(passRole?.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" },
    });
  });

  it("scopes SageMaker job actions to irflow's two job families and data to the table and bus", () => {
    // Act
    const resourcesOf = (roleId: string, prefix: string) =>
      statementsOf(roleId)
        .filter((statement) =>
          list(statement.Action).some((action) => String(action).startsWith(prefix)),
        )
        .flatMap((statement) => list(statement.Resource));

    // Assess
    expect(resourcesOf("DescribeJobRole", "sagemaker:")).toEqual([
      {
        "Fn::Sub":
          "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:inference-recommendations-job/*",
      },
      {
        "Fn::Sub":
          "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:ai-recommendation-job/*",
      },
    ]);
    expect(resourcesOf("DescribeJobRole", "dynamodb:")).toEqual([
      { "Fn::GetAtt": ["JobsTable", "Arn"] },
    ]);
    expect(resourcesOf("PublishOutcomeRole", "events:")).toEqual([
      { "Fn::GetAtt": ["OutcomeBus", "Arn"] },
    ]);
    expect(resourcesOf("RegistryTriggerRole", "states:")).toEqual([
      { Ref: "IrflowStateMachine" },
      {
        "Fn::Sub":
          "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${IrflowStateMachine.Name}:*",
      },
    ]);
  });

  it("keeps the jobs table encrypted, recoverable, on demand, with TTL and the by-model index", () => {
    // Act
    const table = resources.JobsTable?.Properties;

    // Assess
    expect(table).toEqual({
      TableName: "irflow-ci-jobs",
      ...JOBS_TABLE,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: JOBS_TABLE_TIME_TO_LIVE,
    });
    expect(table?.BillingMode).toBe("PAY_PER_REQUEST");
  });

  it("starts the registry trigger on approvals of the configured groups only", () => {
    // Prepare
    const groups = Object.keys(
      (JSON.parse(readFileSync(join(ROOT, "config/triggers.json"), "utf8")) as { groups: Json })
        .groups,
    );

    // Act
    const rule = ofType("AWS::Events::Rule").find(([, resource]) =>
      JSON.stringify(resource.Properties.Targets).includes("RegistryTriggerLambdaFunction"),
    )?.[1];

    // Assess
    expect(rule?.Properties.EventPattern).toEqual(registryApprovalPattern(groups));
  });

  it("runs the re-tuning schedule and sends problem outcomes to SNS as readable text", () => {
    // Act
    const schedule = ofType("AWS::Events::Rule").find(
      ([, resource]) => resource.Properties.ScheduleExpression,
    )?.[1];
    const notify = resources.NotifyOnProblemRule?.Properties ?? {};

    // Assess
    expect(schedule?.Properties.ScheduleExpression).toBe("cron(0 6 ? * MON *)");
    expect(notify.EventPattern).toEqual({
      source: ["irflow"],
      "detail-type": [
        "Inference Recommendation Failed",
        "Inference Recommendation Timed Out",
        "Inference Recommendation Rejected",
        "Inference Recommendation Queue Timed Out",
      ],
    });
    const [target] = notify.Targets as {
      Arn: unknown;
      InputTransformer: { InputTemplate: string };
    }[];
    expect(target?.Arn).toEqual({ Ref: "NotificationsTopic" });
    expect(target?.InputTransformer.InputTemplate).toContain("<reason>");
    expect(resources.NotificationsTopic?.Properties.KmsMasterKeyId).toEqual({
      Ref: "NotificationsKey",
    });
    expect(resources.NotificationsEmail?.Condition).toBe("HasNotificationEmail");
  });

  it("reads production's endpoints and their configs only, for the comparison", () => {
    // Act
    const statement = statementsOf("SelectRecommendationRole").find((item) =>
      list(item.Action).includes("sagemaker:DescribeEndpoint"),
    );

    // Assess
    expect(statement?.Action).toEqual([
      "sagemaker:DescribeEndpoint",
      "sagemaker:DescribeEndpointConfig",
    ]);
    expect(statement?.Resource).toEqual([
      { "Fn::Sub": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/*" },
      {
        "Fn::Sub":
          "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint-config/*",
      },
    ]);
  });

  it("builds the notification rules the local bus carries, from the one declaration", () => {
    // Act
    const deployed = NOTIFICATION_RULES.map((rule) => {
      const properties = resources[rule.logicalId]?.Properties ?? {};
      const [target] = (properties.Targets ?? []) as { InputTransformer?: unknown }[];
      return {
        name: properties.Name,
        eventPattern: properties.EventPattern,
        inputTransformer: target?.InputTransformer,
      };
    });

    // Assess
    expect(deployed).toEqual(
      NOTIFICATION_RULES.map((rule) => ({
        name: `irflow-ci-${rule.name}`,
        eventPattern: rule.eventPattern,
        inputTransformer: rule.inputTransformer,
      })),
    );
  });

  it("sends a saving worth acting on to the ops topic as one readable message", () => {
    // Prepare
    const rule = resources.NotifyOnSavingRule?.Properties ?? {};
    const [target] = rule.Targets as {
      Arn: unknown;
      InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
    }[];
    const event = (worthActing: boolean): EventEnvelope => ({
      version: "0",
      id: "event-1",
      "detail-type": "Inference Recommendation Selected",
      source: "irflow",
      account: "111122223333",
      time: "2026-11-23T06:00:00Z",
      region: "us-east-1",
      resources: [],
      detail: {
        outcome: "selected",
        jobName: "fraud-xgboost-v7-2026-w48",
        executionArn: "arn:aws:states:us-east-1:111122223333:execution:irflow:run-1",
        model: { key: "model-package/fraud-xgboost" },
        sentence: "ml.c7g.xlarge x 2, $254/month, 8.1 ms <= 10 ms at 12,000 requests/min",
        comparisonSentence:
          "Production (ml.m5.xlarge x 4) costs $672/month at 11 ms; the proposal costs $254/month, saving $418/month (62.2%): worth acting on",
        comparison: { worthActing },
      },
    });
    const policy = resources.NotificationsTopicPolicy?.Properties.PolicyDocument as {
      Statement: { Sid: string; Condition: { ArnEquals: Record<string, unknown[]> } }[];
    };

    // Act
    const matches = [true, false].map((worth) => matchesPattern(rule.EventPattern, event(worth)));
    const message = transformInput(target?.InputTransformer ?? { InputTemplate: "" }, event(true), {
      ruleName: "irflow-ci-notify-savings",
      ruleArn: "arn:aws:events:us-east-1:111122223333:rule/irflow-ci-notify-savings",
      ingestionTime: "2026-11-23T06:00:01Z",
    });

    // Assess
    expect(matches).toEqual([true, false]);
    expect(target?.Arn).toEqual({ Ref: "NotificationsTopic" });
    expect(JSON.parse(message)).toBe(
      "irflow: model-package/fraud-xgboost can run cheaper. Production (ml.m5.xlarge x 4) costs $672/month at 11 ms; the proposal costs $254/month, saving $418/month (62.2%): worth acting on. Proposed: ml.c7g.xlarge x 2, $254/month, 8.1 ms <= 10 ms at 12,000 requests/min. Job fraud-xgboost-v7-2026-w48, execution arn:aws:states:us-east-1:111122223333:execution:irflow:run-1.",
    );
    const publish = policy.Statement.find((statement) => statement.Sid === "OutcomeRulesPublish");
    expect(publish?.Condition.ArnEquals["aws:SourceArn"]).toContainEqual(
      notificationRuleArn("NotifyOnSavingRule"),
    );
  });

  it("encrypts the topic with a rotated customer-managed key that only irflow's rules and alarms may use", () => {
    // Prepare
    const key = resources.NotificationsKey;
    const statements =
      (key?.Properties.KeyPolicy as { Statement: Statement[] } | undefined)?.Statement ?? [];
    const bySid = (sid: string) => statements.find((statement) => statement.Sid === sid);
    const ruleArns = NOTIFICATION_RULE_IDS.map(notificationRuleArn);

    // Act
    const services = statements.map((statement) => statement.Principal);

    // Assess
    expect(JSON.stringify(resources)).not.toContain("alias/aws/sns");
    expect(key?.Type).toBe("AWS::KMS::Key");
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    expect(services).toEqual([
      { AWS: { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } },
      { Service: "events.amazonaws.com" },
      { Service: "cloudwatch.amazonaws.com" },
    ]);
    for (const sid of ["NotificationRulesEncrypt", "AlarmsEncrypt"]) {
      expect(bySid(sid)?.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
      expect(bySid(sid)?.Condition?.StringEquals).toEqual({
        "aws:SourceAccount": { Ref: "AWS::AccountId" },
      });
    }
    expect(bySid("NotificationRulesEncrypt")?.Condition?.ArnEquals).toEqual({
      "aws:SourceArn": ruleArns,
    });
    expect(bySid("AlarmsEncrypt")?.Condition?.ArnLike).toEqual({
      "aws:SourceArn": {
        "Fn::Sub":
          "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:irflow-ci-*",
      },
    });
  });

  it("lets only irflow's notification rules and its own alarms publish to the topic", () => {
    // Prepare
    const policy = resources.NotificationsTopicPolicy?.Properties.PolicyDocument as {
      Statement: Statement[];
    };
    const alarmNames = ofType("AWS::CloudWatch::Alarm").map(
      ([, alarm]) => alarm.Properties.AlarmName as string,
    );

    // Act
    const [rules, alarms] = policy.Statement;

    // Assess
    expect(policy.Statement).toHaveLength(2);
    expect(rules?.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(rules?.Action).toBe("sns:Publish");
    expect(rules?.Condition).toEqual({
      ArnEquals: {
        "aws:SourceArn": NOTIFICATION_RULE_IDS.map(notificationRuleArn),
      },
    });
    expect(alarms?.Principal).toEqual({ Service: "cloudwatch.amazonaws.com" });
    expect(alarms?.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
      ArnLike: {
        "aws:SourceArn": {
          "Fn::Sub":
            "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:irflow-ci-*",
        },
      },
    });
    // Every alarm that notifies is named so that the pattern admits it.
    for (const name of alarmNames) expect(name).toMatch(/^irflow-ci-/);
  });

  it("retries every notification and keeps what it cannot deliver in a dead-letter queue, with alarms", () => {
    // Prepare
    const queue = { "Fn::GetAtt": ["NotificationDeadLetterQueue", "Arn"] };
    const topicRules = ofType("AWS::Events::Rule").filter(([, rule]) =>
      JSON.stringify(rule.Properties.Targets).includes('"NotificationsTopic"'),
    );
    const queuePolicy = resources.NotificationDeadLetterQueuePolicy?.Properties.PolicyDocument as {
      Statement: Statement[];
    };
    const failed = resources.NotificationRulesFailedAlarm?.Properties.Metrics as {
      MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: Json[] } };
    }[];

    // Act
    const targets = topicRules.flatMap(
      ([, rule]) =>
        rule.Properties.Targets as {
          RetryPolicy?: { MaximumRetryAttempts?: number };
          DeadLetterConfig?: { Arn: unknown };
        }[],
    );
    const watched = failed.flatMap((metric) =>
      metric.MetricStat ? [metric.MetricStat.Metric] : [],
    );

    // Assess
    expect(topicRules.map(([id]) => id).sort()).toEqual([...NOTIFICATION_RULE_IDS].sort());
    for (const target of targets) {
      expect(target.DeadLetterConfig?.Arn).toEqual(queue);
      expect(target.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
    }
    expect(queuePolicy.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Condition: {
          ArnEquals: {
            "aws:SourceArn": NOTIFICATION_RULE_IDS.map(notificationRuleArn),
          },
        },
      }),
    ]);
    expect(resources.NotificationDeadLetterAlarm?.Properties.Dimensions).toEqual([
      { Name: "QueueName", Value: { "Fn::GetAtt": ["NotificationDeadLetterQueue", "QueueName"] } },
    ]);
    expect(watched).toHaveLength(NOTIFICATION_RULE_IDS.length);
    for (const metric of watched) {
      expect([metric.Namespace, metric.MetricName]).toEqual(["AWS/Events", "FailedInvocations"]);
      expect(metric.Dimensions).toContainEqual({
        Name: "EventBusName",
        Value: { Ref: "OutcomeBus" },
      });
    }
    expect(watched.map((metric) => metric.Dimensions[1]?.Value)).toEqual(
      NOTIFICATION_RULE_IDS.map((id) => resources[id]?.Properties.Name),
    );
  });

  it("creates a job only with the stack's tag and stops only jobs that carry it", () => {
    // Prepare
    const jobs = {
      "Fn::Sub":
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:inference-recommendations-job/*",
    };
    const stackName = (
      resources.CreateJobLambdaFunction?.Properties.Environment as { Variables: Json } | undefined
    )?.Variables.STACK_NAME;
    const allowing = (roleId: string, action: string) =>
      statementsOf(roleId).filter((statement) => list(statement.Action).includes(action));
    const stoppers = ofType("AWS::IAM::Role")
      .map(([id]) => id)
      .filter((id) => allowing(id, "sagemaker:StopInferenceRecommendationsJob").length > 0);

    // Act
    const [create] = allowing("CreateJobRole", "sagemaker:CreateInferenceRecommendationsJob");

    // Assess
    expect(stackName).toBe("irflow-ci");
    expect(create?.Action).toEqual([
      "sagemaker:CreateInferenceRecommendationsJob",
      "sagemaker:AddTags",
    ]);
    expect(create?.Condition).toEqual({
      StringEquals: { "aws:RequestTag/irflow:stack": stackName },
    });
    expect(stoppers.sort()).toEqual(["ExecutionEndedRole", "StopJobRole"]);
    for (const role of stoppers) {
      for (const stop of allowing(role, "sagemaker:StopInferenceRecommendationsJob")) {
        expect(stop.Condition).toEqual({
          StringEquals: { "aws:ResourceTag/irflow:stack": stackName },
        });
      }
      expect(allowing(role, "sagemaker:ListTags").map((statement) => statement.Resource)).toEqual([
        [jobs],
      ]);
    }
    for (const fn of ofType("AWS::Lambda::Function")) {
      const variables = (fn[1].Properties.Environment as { Variables: Json }).Variables;
      expect(variables.STACK_NAME).toBe(stackName);
    }
  });

  it("lets only the trigger and clean-up rules write to their dead-letter queue", () => {
    // Prepare
    const ruleNames = ofType("AWS::Events::Rule")
      .filter(([, rule]) =>
        JSON.stringify(rule.Properties.Targets).includes('"TriggerDeadLetterQueue"'),
      )
      .map(([, rule]) => rule.Properties.Name as string);
    const policy = resources.TriggerDeadLetterQueuePolicy?.Properties.PolicyDocument as {
      Statement: Statement[];
    };

    // Act
    const [statement, ...others] = policy.Statement;

    // Assess
    expect(others).toEqual([]);
    expect(statement?.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(statement?.Condition).toEqual({
      ArnEquals: {
        "aws:SourceArn": ruleNames.map((name) => ({
          "Fn::Sub": `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${name}`,
        })),
      },
    });
    expect(ruleNames).toHaveLength(TRIGGERS.length);
  });

  it("gives every log group and queue an explicit retention and deletion policy", () => {
    // Act
    const kept = [...ofType("AWS::Logs::LogGroup"), ...ofType("AWS::SQS::Queue")].map(
      ([id, resource]) => ({
        id,
        deletion: resource.DeletionPolicy,
        replace: resource.UpdateReplacePolicy,
        retention:
          resource.Properties.RetentionInDays ?? resource.Properties.MessageRetentionPeriod,
      }),
    );

    // Assess
    expect(kept.length).toBeGreaterThan(FUNCTIONS.length);
    for (const item of kept) {
      expect(item).toEqual({
        id: item.id,
        deletion: "Delete",
        replace: "Delete",
        retention: expect.any(Number),
      });
    }
  });

  it("refuses to package without the SageMaker role, naming the parameter", async () => {
    // Act
    const failure = await promisify(execFile)(
      process.execPath,
      [SLS, "package", "--stage", "prod", "--package", mkdtempSync(join(tmpdir(), "irflow-pkg-"))],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: "",
          AWS_SECRET_ACCESS_KEY: "",
          SLS_TELEMETRY_DISABLED: "1",
        },
        timeout: 120_000,
      },
    ).then(
      () => "",
      (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
    );

    // Assess
    expect(failure).toContain(
      'The sagemakerRoleArn parameter is required: pass --param="sagemakerRoleArn=',
    );
  }, 150_000);

  it("alarms on failed executions, Lambda errors and executions past the deadline", () => {
    // Act
    const alarms = ofType("AWS::CloudWatch::Alarm").map(([id]) => id);

    // Assess
    expect(alarms).toEqual(
      expect.arrayContaining([
        "ExecutionsFailedAlarm",
        "ExecutionsOverDeadlineAlarm",
        ...FUNCTIONS.map((name) => `${name}ErrorsAlarm`),
      ]),
    );
  });

  it("keeps every trigger and clean-up event it cannot handle in a dead-letter queue, with an alarm", () => {
    // Prepare
    const queue = { "Fn::GetAtt": ["TriggerDeadLetterQueue", "Arn"] };
    const rules = ofType("AWS::Events::Rule").filter(([, rule]) =>
      (rule.Properties.Targets as { Arn: unknown }[]).some((target) =>
        TRIGGERS.some((name) => JSON.stringify(target.Arn).includes(`${name}LambdaFunction`)),
      ),
    );

    // Act
    const targets = rules.flatMap(
      ([, rule]) =>
        rule.Properties.Targets as {
          RetryPolicy?: { MaximumRetryAttempts?: number };
          DeadLetterConfig?: { Arn: unknown };
        }[],
    );
    const functions = TRIGGERS.map((name) => resources[`${name}LambdaFunction`]?.Properties);

    // Assess
    expect(targets).toHaveLength(TRIGGERS.length);
    for (const target of targets) {
      expect(target.DeadLetterConfig?.Arn).toEqual(queue);
      expect(target.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
    }
    for (const fn of functions) expect(fn?.DeadLetterConfig).toEqual({ TargetArn: queue });
    expect(resources.TriggerDeadLetterAlarm?.Properties.AlarmActions).toEqual([
      { Ref: "NotificationsTopic" },
    ]);
  });

  it("cleans up after an execution of its own state machine that failed, timed out or was aborted", () => {
    // Act
    const rule = ofType("AWS::Events::Rule").find(([, resource]) =>
      JSON.stringify(resource.Properties.Targets).includes("ExecutionEndedLambdaFunction"),
    )?.[1];

    // Assess
    expect(rule?.Properties.EventPattern).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: {
        status: ["FAILED", "TIMED_OUT", "ABORTED"],
        stateMachineArn: [{ Ref: "IrflowStateMachine" }],
      },
    });
  });
});

/** What each function's own code calls: its bundle must hold those clients and no other. */
const CLIENTS: Record<string, string[]> = {
  validateSpec: ["dynamodb"],
  acquireSlot: ["dynamodb"],
  createJob: ["dynamodb", "sagemaker"],
  describeJob: ["dynamodb", "sagemaker"],
  selectRecommendation: ["dynamodb", "pricing", "sagemaker"],
  diagnoseFailure: ["dynamodb", "sagemaker"],
  stopJob: ["dynamodb", "sagemaker"],
  publishOutcome: ["dynamodb", "eventbridge"],
  registryTrigger: ["sagemaker", "sfn"],
  scheduleTrigger: ["sagemaker", "sfn"],
  executionEnded: ["dynamodb", "eventbridge", "sagemaker", "sfn"],
};

/** The function's logical id in the template: createJob -> CreateJobLambdaFunction. */
const functionResource = (name: string) =>
  resources[`${name[0]?.toUpperCase()}${name.slice(1)}LambdaFunction`]?.Properties ?? {};

/** The module the handler names, as packaged: functions/create-job.handler -> functions/create-job.js. */
function handlerModule(name: string): string {
  const handler = String(functionResource(name).Handler);
  return `${handler.slice(0, handler.lastIndexOf("."))}.js`;
}

/** The function's environment as CloudFormation would set it, with a Ref given a plausible value. */
function environmentOf(name: string): Record<string, string> {
  const variables = (functionResource(name).Environment as { Variables?: Json } | undefined)
    ?.Variables;
  return Object.fromEntries(
    Object.entries(variables ?? {}).map(([key, value]) => {
      if (typeof value === "string") return [key, value];
      const reference = String((value as { Ref?: string }).Ref);
      const properties = resources[reference]?.Properties ?? {};
      const resolved =
        resources[reference]?.Type === "AWS::StepFunctions::StateMachine"
          ? `arn:aws:states:us-east-1:111122223333:stateMachine:${String(properties.StateMachineName ?? reference)}`
          : String(properties.TableName ?? reference);
      return [key, resolved];
    }),
  );
}

/** Loads a handler module with require(), as Lambda does a .js one, and invokes it with `{}`. */
const INVOKE_WITH_NOTHING = `
const { handler } = require(process.argv[1]);
const context = {
  functionName: "irflow-test", awsRequestId: "request", functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:irflow-test",
  memoryLimitInMB: "256", getRemainingTimeInMillis: () => 30000,
};
handler({}, context).then(
  () => process.stdout.write(JSON.stringify({ resolved: true })),
  (error) => process.stdout.write(JSON.stringify({ name: error.name, message: error.message })),
);
`;

describe("the packaged Lambda bundles", () => {
  it.each(Object.entries(CLIENTS))("%s holds only the AWS clients it uses", (name, clients) => {
    // Act
    const files = readZip(join(ROOT, ".serverless", `${name}.zip`));
    const code = files.get(handlerModule(name))?.toString("utf8") ?? "";

    // Assess
    expect([...files.keys()]).toEqual([handlerModule(name)]);
    expect(clientsIn(code).sort()).toEqual(clients);
  });

  it.each(Object.keys(CLIENTS))("%s is a zip of at most 300 KB", (name) => {
    expect(statSync(join(ROOT, ".serverless", `${name}.zip`)).size).toBeLessThanOrEqual(300 * 1024);
  });

  it.each(Object.keys(CLIENTS))("%s leaves out the parts of zod irflow never calls", (name) => {
    // Act
    const code = readZip(join(ROOT, ".serverless", `${name}.zip`)).get(handlerModule(name));

    // Assess: zod's JSON Schema reader (z.fromJSONSchema) is in the bundle only if all of zod is.
    expect(code?.toString("utf8")).not.toContain("External $ref is not supported");
  });

  it.each(Object.keys(CLIENTS))(
    "%s loads with require() and refuses an event it does not expect, naming the field",
    async (name) => {
      // Prepare
      const directory = mkdtempSync(join(tmpdir(), "irflow-bundle-"));
      const file = join(directory, handlerModule(name));
      const code = readZip(join(ROOT, ".serverless", `${name}.zip`)).get(handlerModule(name));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, code ?? "");

      // Act
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--eval", INVOKE_WITH_NOTHING, file],
        {
          cwd: directory,
          env: {
            PATH: process.env.PATH ?? "",
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ...environmentOf(name),
            POWERTOOLS_LOG_LEVEL: "SILENT",
          },
        },
      ).finally(() => rmSync(directory, { recursive: true, force: true }));

      // Assess
      const outcome = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as {
        name?: string;
        message?: string;
      };
      expect(outcome.name).toBe(
        TRIGGERS.includes(`${name[0]?.toUpperCase()}${name.slice(1)}`)
          ? "InvalidTriggerEventError"
          : "InvalidStepInputError",
      );
      expect(outcome.message).toMatch(/unexpected input: .*\n {2}→ at \S+/);
    },
    30_000,
  );
});
