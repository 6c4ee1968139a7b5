/**
 * What a target receives: the event itself, or what its Input, InputPath or InputTransformer
 * makes of it.
 */
import { evaluateJsonPath } from "./json-path.ts";
import type { EventEnvelope, InputTransformer, Target } from "./types.ts";

export interface DeliveryContext {
  ruleName: string;
  ruleArn: string;
  /** ISO 8601 time EventBridge received the event. */
  ingestionTime: string;
}

/** Variables every InputTemplate may use without declaring them in InputPathsMap. */
export const PREDEFINED_VARIABLES = [
  "aws.events.rule-arn",
  "aws.events.rule-name",
  "aws.events.event.ingestion-time",
  "aws.events.event",
  "aws.events.event.json",
] as const;

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/y;

/** The input a target receives for `event`: parsed JSON, or text when the result is not JSON. */
export function targetInput(
  target: Pick<Target, "Input" | "InputPath" | "InputTransformer">,
  event: EventEnvelope,
  context: DeliveryContext,
): unknown {
  if (target.Input !== undefined) return JSON.parse(target.Input);
  if (target.InputPath !== undefined) return evaluateJsonPath(event, target.InputPath);
  if (target.InputTransformer !== undefined) {
    return parseIfJson(transformInput(target.InputTransformer, event, context));
  }
  return event;
}

/** The InputTemplate with every placeholder filled from the event. */
export function transformInput(
  transformer: InputTransformer,
  event: EventEnvelope,
  context: DeliveryContext,
): string {
  return renderInputTemplate(
    transformer.InputTemplate,
    templateVariables(transformer, event, context),
  );
}

export function templateVariables(
  transformer: InputTransformer,
  event: EventEnvelope,
  context: DeliveryContext,
): Map<string, unknown> {
  const { detail: _detail, ...withoutDetail } = event;
  const variables = new Map<string, unknown>([
    ["aws.events.rule-arn", context.ruleArn],
    ["aws.events.rule-name", context.ruleName],
    ["aws.events.event.ingestion-time", context.ingestionTime],
    ["aws.events.event", withoutDetail],
    ["aws.events.event.json", event],
  ]);
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    variables.set(name, evaluateJsonPath(event, path));
  }
  return variables;
}

/**
 * Fills `<name>` placeholders as EventBridge does. When the template is JSON, a placeholder
 * outside quotes becomes the value as JSON (a missing value becomes null) and one inside quotes
 * becomes the value's text, escaped for the string. Any other template is plain text, and values
 * go in as their text. Unknown placeholders stay as written.
 */
export function renderInputTemplate(
  template: string,
  variables: ReadonlyMap<string, unknown>,
): string {
  const asJson = substitute(template, variables, "json");
  return isJson(asJson) ? asJson : substitute(template, variables, "text");
}

type TemplateMode = "json" | "text";

function substitute(
  template: string,
  variables: ReadonlyMap<string, unknown>,
  mode: TemplateMode,
): string {
  let output = "";
  let inString = false;
  let index = 0;
  while (index < template.length) {
    const char = template[index] ?? "";
    const placeholder = char === "<" ? placeholderAt(template, index, variables) : undefined;
    if (placeholder) {
      output += renderValue(variables.get(placeholder.name), mode, inString);
      index += placeholder.length;
      continue;
    }
    if (mode === "json" && inString && char === "\\") {
      output += template.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (mode === "json" && char === '"') inString = !inString;
    output += char;
    index += 1;
  }
  return output;
}

function placeholderAt(
  template: string,
  index: number,
  variables: ReadonlyMap<string, unknown>,
): { name: string; length: number } | undefined {
  PLACEHOLDER.lastIndex = index;
  const match = PLACEHOLDER.exec(template);
  const name = match?.[1];
  if (!match || name === undefined || !variables.has(name)) return undefined;
  return { name, length: match[0].length };
}

function renderValue(value: unknown, mode: TemplateMode, inString: boolean): string {
  if (mode === "json" && !inString) return value === undefined ? "null" : JSON.stringify(value);
  const text = valueText(value);
  return mode === "json" ? JSON.stringify(text).slice(1, -1) : text;
}

function valueText(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseIfJson(text: string): unknown {
  return isJson(text) ? JSON.parse(text) : text;
}
