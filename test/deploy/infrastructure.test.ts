/**
 * The infrastructure facts in src/infrastructure.json: validated once, and used alike by the
 * deploy (deploy/*.cjs, read by osls at package time) and by the local stack.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import bundledTriggers from "../../config/triggers.json" with { type: "json" };
import { createJobsTable, LOCAL_TABLE, registryPattern, startDynalite } from "../../local/stack.ts";
import { ConfigError } from "../../src/errors.ts";
import {
  BY_MODEL_INDEX,
  BY_MODEL_INDEX_KEYS,
  bindFunctionArns,
  JOBS_TABLE,
  parseInfrastructure,
  registryApprovalPattern,
  STATE_MACHINE_DEFINITION_PATH,
} from "../../src/infrastructure.ts";
import { PACKAGE_GROUP_NAME, parseTriggerConfig } from "../../src/triggers/config.ts";
import { WORKFLOW_FUNCTIONS } from "../../src/workflow/functions.ts";

const ROOT = join(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);
type Json = Record<string, unknown>;
const deployedRegistryPattern = require("../../deploy/registry-pattern.cjs") as (() => Json) & {
  patternFor: (groups: string[]) => Json;
};
const { substitute } = require("../../deploy/state-machine.cjs") as {
  substitute: (node: unknown) => unknown;
};

const facts = (): Json =>
  JSON.parse(readFileSync(join(ROOT, "src/infrastructure.json"), "utf8")) as Json;
const functionNames = Object.keys(WORKFLOW_FUNCTIONS);

describe("src/infrastructure.json", () => {
  it("is read as it is written", () => {
    // Act
    const parsed = parseInfrastructure(facts());

    // Assess
    expect(parsed).toEqual(facts());
    expect(parsed.jobsTable).toEqual(JOBS_TABLE);
  });

  it("refuses a key attribute without a definition, naming the field and the attribute", () => {
    // Prepare
    const broken = facts() as { jobsTable: { AttributeDefinitions: { AttributeName: string }[] } };
    broken.jobsTable.AttributeDefinitions = broken.jobsTable.AttributeDefinitions.filter(
      (definition) => definition.AttributeName !== BY_MODEL_INDEX_KEYS.sort,
    );

    // Act
    const parse = () => parseInfrastructure(broken);

    // Assess
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/jobsTable\.AttributeDefinitions/);
    expect(parse).toThrow(`must define the key attribute ${BY_MODEL_INDEX_KEYS.sort}`);
  });

  it("refuses an attribute definition that keys nothing", () => {
    // Prepare
    const broken = facts() as { jobsTable: { AttributeDefinitions: unknown[] } };
    broken.jobsTable.AttributeDefinitions.push({ AttributeName: "status", AttributeType: "S" });

    // Act
    const parse = () => parseInfrastructure(broken);

    // Assess
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow("defines status, which is no key of the table or its index");
  });

  it("refuses a function placeholder that does not capture the function's name", () => {
    // Prepare
    const broken = { ...facts(), functionArnPlaceholder: "\\$\\{[A-Za-z]+FunctionArn\\}" };

    // Act
    const parse = () => parseInfrastructure(broken);

    // Assess
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/exactly one capture group[\s\S]*at functionArnPlaceholder/);
  });
});

describe("the jobs table", () => {
  it("is created locally with the deployed keys and by-model index", async () => {
    // Prepare
    const dynamo = await startDynalite();
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });

    try {
      // Act
      await createJobsTable(dynamo.endpoint);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }));

      // Assess
      expect(Table).toMatchObject({
        KeySchema: JOBS_TABLE.KeySchema,
        AttributeDefinitions: JOBS_TABLE.AttributeDefinitions,
        GlobalSecondaryIndexes: JOBS_TABLE.GlobalSecondaryIndexes,
      });
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
        BY_MODEL_INDEX,
      ]);
    } finally {
      client.destroy();
      await dynamo.close();
    }
  });
});

describe("the model-registry rule's pattern", () => {
  it("is the same on the local bus as in the deploy, for the bundled groups", () => {
    // Act
    const local = registryPattern(parseTriggerConfig(bundledTriggers));
    const deployed = deployedRegistryPattern();

    // Assess
    expect(local).toEqual(deployed);
    expect(deployed).toMatchObject({
      detail: { ModelPackageGroupName: Object.keys(bundledTriggers.groups) },
    });
  });

  it("matches approvals of exactly the given groups, built alike by the deploy", () => {
    const groups = fc.uniqueArray(fc.stringMatching(PACKAGE_GROUP_NAME), {
      minLength: 1,
      maxLength: 5,
    });
    fc.assert(
      fc.property(groups, (names) => {
        // Act
        const pattern = registryApprovalPattern(names);

        // Assess
        expect(deployedRegistryPattern.patternFor(names)).toEqual(pattern);
        expect(pattern.detail.ModelPackageGroupName).toEqual(names);
        expect(pattern.detail.ModelApprovalStatus).toEqual(["Approved"]);
      }),
    );
  });
});

describe("the function ARN binding", () => {
  const definition = readFileSync(join(ROOT, STATE_MACHINE_DEFINITION_PATH), "utf8");
  const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

  it("binds each placeholder to the same function locally and in the deploy", () => {
    // Act
    const local = JSON.parse(
      bindFunctionArns(definition, functionNames, (name) => `function:${lowerFirst(name)}`),
    ) as unknown;
    const deployed = substitute(JSON.parse(definition));

    // Assess
    const deployedAsText = JSON.stringify(deployed).replace(
      /\{"Fn::GetAtt":\["(\w+)","Arn"\]\}/g,
      (_, key: string) => JSON.stringify(`function:${key}`),
    );
    expect(JSON.parse(deployedAsText)).toEqual(local);
    expect(JSON.stringify(deployed)).toContain('{"Fn::GetAtt":["validateSpec","Arn"]}');
  });

  it("refuses a placeholder for a function that does not exist, locally and in the deploy", () => {
    // Prepare
    const rogue = '{ "Resource": "${NoSuchStepFunctionArn}" }';

    // Act
    const bindLocally = () => bindFunctionArns(rogue, functionNames, (name) => name);
    const bindForDeploy = () => substitute(JSON.parse(rogue));

    // Assess
    expect(bindLocally).toThrow(ConfigError);
    expect(bindLocally).toThrow("unknown function placeholder ${NoSuchStepFunctionArn}");
    expect(bindForDeploy).toThrow("unknown function placeholder ${NoSuchStepFunctionArn}");
  });
});
