/** The constraints AWS places on names and targets, as pure checks. */
import { isValidJsonPath } from "./json-path.ts";
import type { Target } from "./types.ts";

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const TARGET_ID = /^[.\-_A-Za-z0-9]{1,64}$/;
const PATHS_MAP_KEY = /^[A-Za-z0-9_-]+$/;
const MAX_TARGET_ARN = 1600;
const MAX_INPUT_TEMPLATE = 8192;
const MAX_INPUT_PATHS = 100;
export const MAX_TARGETS_PER_RULE = 5;
export const MAX_TARGETS_PER_CALL = 10;

export function ruleNameProblem(name: string): string | undefined {
  return RULE_NAME.test(name)
    ? undefined
    : constraintMessage(
        name,
        "name",
        "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]{1,64}",
      );
}

export function busNameProblem(name: string): string | undefined {
  return BUS_NAME.test(name)
    ? undefined
    : constraintMessage(
        name,
        "name",
        "Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]{1,256}",
      );
}

function constraintMessage(value: string, member: string, constraint: string): string {
  return `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`;
}

/** The first reason AWS would refuse `target` in PutTargets, if any. */
export function targetProblem(target: Target): string | undefined {
  if (!TARGET_ID.test(target.Id)) {
    return constraintMessage(
      target.Id,
      "id",
      "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]{1,64}",
    );
  }
  if (target.Arn.length < 1 || target.Arn.length > MAX_TARGET_ARN) {
    return `Target ${target.Id}: Arn must be between 1 and ${MAX_TARGET_ARN} characters.`;
  }
  const inputs = [target.Input, target.InputPath, target.InputTransformer].filter(
    (input) => input !== undefined,
  );
  if (inputs.length > 1)
    return "Only one of Input, InputPath, or InputTransformer must be provided.";
  if (target.Input !== undefined && !isJsonText(target.Input)) {
    return `Target ${target.Id}: Input is not valid JSON text.`;
  }
  if (target.InputPath !== undefined && !isValidJsonPath(target.InputPath)) {
    return `Target ${target.Id}: InputPath ${target.InputPath} is not a valid JSON path.`;
  }
  return target.InputTransformer === undefined ? undefined : inputTransformerProblem(target);
}

function inputTransformerProblem(target: Target): string | undefined {
  const transformer = target.InputTransformer;
  if (!transformer) return undefined;
  const template = transformer.InputTemplate;
  if (template.length < 1 || template.length > MAX_INPUT_TEMPLATE) {
    return `Target ${target.Id}: InputTemplate must be between 1 and ${MAX_INPUT_TEMPLATE} characters.`;
  }
  const paths = Object.entries(transformer.InputPathsMap ?? {});
  if (paths.length > MAX_INPUT_PATHS) {
    return `Target ${target.Id}: InputPathsMap can have at most ${MAX_INPUT_PATHS} entries.`;
  }
  for (const [key, path] of paths) {
    if (!PATHS_MAP_KEY.test(key)) {
      return `Target ${target.Id}: InputPathsMap key ${key} must match [A-Za-z0-9_-]+.`;
    }
    if (!isValidJsonPath(path)) {
      return `Target ${target.Id}: InputPathsMap value ${path} is not a valid JSON path.`;
    }
  }
  return undefined;
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
