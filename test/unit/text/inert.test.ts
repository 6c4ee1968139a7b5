import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { inertJson, inertLine, inertText } from "../../../src/text/inert.ts";
import { captureIo } from "../../support/cli.ts";

const ROOT = join(import.meta.dirname, "../../..");
const TITLE_AND_CLEAR = "\x1b]0;title\x07\x1b[2J";
const HOSTILE = `boom ${TITLE_AND_CLEAR} \u202eevil\u202c \u009b31m\nACTION REQUIRED: rotate keys`;
/** Anything a terminal or a bidi renderer would act on: controls but newline, C1, bidi marks. */
function active(text: string): boolean {
  return [...text].some((character) => {
    const code = character.codePointAt(0) ?? 0;
    return (
      (code < 0x20 && character !== "\n") ||
      (code >= 0x7f && code <= 0x9f) ||
      [0x061c, 0x200e, 0x200f, 0x2028, 0x2029].includes(code) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    );
  });
}

describe("inert text", () => {
  it("shows controls, C1 and bidi characters escaped, visibly", () => {
    expect(inertText(HOSTILE)).toBe(
      "boom \\x1b]0;title\\x07\\x1b[2J \\u202eevil\\u202c \\u009b31m\nACTION REQUIRED: rotate keys",
    );
    expect(inertLine(HOSTILE)).toBe(
      "boom \\x1b]0;title\\x07\\x1b[2J \\u202eevil\\u202c \\u009b31m\\nACTION REQUIRED: rotate keys",
    );
    expect(inertLine("a\tb\rc\u007fd\u061ce\u2066f")).toBe("a\\tb\\rc\\u007fd\\u061ce\\u2066f");
    expect(inertText("plain text, ünïcode and emoji 🙂 stay")).toBe(
      "plain text, ünïcode and emoji 🙂 stay",
    );
  });

  it("keeps JSON valid and equal when read back, with C1 and bidi as \\u escapes", () => {
    const value = { reason: HOSTILE, nested: ["\u0085", "\u2028"] };
    const text = inertJson(value, 2);
    expect(active(text)).toBe(false);
    expect(text).toContain("\\u202e");
    expect(text).toContain("\\u009b");
    expect(JSON.parse(text)).toEqual(value);
    expect(JSON.parse(inertText(JSON.stringify(value)))).toEqual(value);
  });
});

describe("a command's output is inert", () => {
  const failed = JSON.parse(
    readFileSync(join(ROOT, "test/fixtures/describe/failed-model-error.json"), "utf8"),
  ) as Record<string, unknown>;
  const hostile = JSON.stringify({ ...failed, FailureReason: HOSTILE });

  it("decide prints a hostile failure reason escaped, on its own line", async () => {
    // Prepare
    const io = captureIo(undefined, hostile);

    // Act
    const code = await main(["decide", "-"], io);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toContain("\\x1b]0;title\\x07\\x1b[2J \\u202eevil\\u202c \\u009b31m");
    expect(active(io.out())).toBe(false);
    expect(
      io
        .out()
        .split("\n")
        .filter((line) => line.startsWith("ACTION REQUIRED")),
    ).toEqual([]);
  });

  it("decide --json escapes C1 and bidi characters and reads back the same", async () => {
    // Prepare
    const io = captureIo(undefined, hostile);

    // Act
    const code = await main(["decide", "-", "--json"], io);

    // Assess
    expect(code).toBe(0);
    expect(active(io.out())).toBe(false);
    expect(io.out()).toContain("\\u202e");
    expect(JSON.stringify(JSON.parse(io.out()))).toContain(JSON.stringify(HOSTILE).slice(1, -1));
  });

  it("validate names a hostile field's problem without obeying it", async () => {
    // Prepare
    const io = captureIo(
      undefined,
      JSON.stringify({ specVersion: 1, job: { [`x${HOSTILE}`]: 1 } }),
    );

    // Act
    const code = await main(["validate", "-"], io);

    // Assess
    expect(code).toBe(1);
    expect(active(io.err())).toBe(false);
    expect(io.err()).toContain("\\x1b]0;title");
    expect(
      io
        .err()
        .split("\n")
        .filter((line) => line.startsWith("ACTION REQUIRED")),
    ).toEqual([]);
  });
});
