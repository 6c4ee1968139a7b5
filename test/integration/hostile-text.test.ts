/**
 * Text that reaches a person is inert: a spec's field names, a trigger's detail and the reasons
 * built from them are shown with their control, C1 and bidi characters escaped, in every command
 * a user reads on the local stack and in the ops message, and a newline never starts a line of its
 * own.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { type CliStack, openCliStack } from "../support/cli.ts";
import { eventually, type StackClients, sample, stackClients } from "../support/stack.ts";

/** Sets a terminal's title, clears the screen, turns text red, reverses it, forges a line. */
const HOSTILE =
  "\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eevil\u2066\nACTION REQUIRED: rotate keys";

/** The characters of `text` no terminal should receive raw (newline and tab excepted). */
function rawControls(text: string): string[] {
  return [...text].filter((char) => {
    const code = char.codePointAt(0) ?? 0;
    return (
      (code < 0x20 && char !== "\n" && char !== "\t") ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069) ||
      code === 0x2028 ||
      code === 0x2029
    );
  });
}

let cli: CliStack;
let clients: StackClients;

beforeAll(async () => {
  cli = await openCliStack({ timeScale: 3000, logLevel: "ERROR" }, "hostile-text");
  clients = stackClients(cli.stack);
});

afterAll(async () => {
  clients.destroy();
  await cli.close();
});

async function run(args: string[]): Promise<{ code: number; text: string }> {
  const io = cli.io();
  const code = await main(args, io);
  return { code, text: `${io.out()}${io.err()}` };
}

function expectInert(text: string): void {
  expect(rawControls(text)).toEqual([]);
  expect(text.split("\n").filter((line) => line.startsWith("ACTION REQUIRED"))).toEqual([]);
}

/** A spec the workflow rejects for a field whose name is the hostile text. */
function hostileSpec(runKey: string): Record<string, unknown> {
  const spec = sample("default-model-name.json", runKey);
  (spec.job as Record<string, unknown>)[HOSTILE] = 1;
  return spec;
}

describe("hostile text on the local stack", () => {
  it("start --wait refuses a spec with a hostile field name and shows the name escaped", async () => {
    // Prepare
    const path = join(cli.dir, "hostile.json");
    await writeFile(path, JSON.stringify(hostileSpec("hostile-cli")));

    // Act
    const { code, text } = await run(["start", path, "--wait"]);

    // Assess
    expect(code).toBe(1);
    expect(text).toContain("\\x1b]0;owned\\x07");
    expectInert(text);
  });

  it("status, list and the ops message show a rejected execution's hostile text escaped", async () => {
    // Prepare
    const name = "hostile-rejected";
    await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: cli.stack.stateMachineArn,
        name,
        input: JSON.stringify({
          spec: hostileSpec("hostile-sfn"),
          trigger: { type: "manual", detail: HOSTILE },
        }),
      }),
    );
    const notification = await eventually(async () =>
      cli.stack.notifications.messages().find((item) => item.message.includes(name)),
    );

    // Act
    const status = await run(["status", name]);
    const json = await run(["status", name, "--json"]);
    const list = await run(["list"]);
    const byModel = await run(["list", "--model", "unknown"]);

    // Assess
    expect(status.code).toBe(0);
    expect(status.text).toContain("rejected");
    expect(status.text).toContain("\\x1b]0;owned\\x07");
    for (const output of [status, json, list, byModel]) expectInert(output.text);
    expect(JSON.parse(json.text).trigger.detail).toBe(HOSTILE);
    expect(notification.message).not.toContain("\n");
    expectInert(notification.message);
  });
});
