/**
 * The exit status table of the README, command by command: every user mistake ends in one message
 * and its documented status (0 done, 1 invalid or failed, 2 unreadable input, 64 usage, 69 no
 * local stack), never a stack trace.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../../cli/io.ts";
import { main } from "../../../cli/main.ts";
import { captureIo } from "../../support/cli.ts";

const SPEC = "events/specs/default-model-package.json";
const RESPONSE = "test/fixtures/describe/emulated-fraud-xgboost.json";
let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "irflow-exit-codes-"));
  await writeFile(file("broken.json"), "{broken");
  await writeFile(file("invalid-spec.json"), JSON.stringify({ specVersion: 1, job: {} }));
  await writeFile(file("not-a-response.json"), JSON.stringify({ nope: 1 }));
  await writeFile(file("bad-policy.json"), JSON.stringify({ objective: "fastest" }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CASES: [string, () => string[], number][] = [
  ["no command", () => [], EXIT.usage],
  ["an unknown command", () => ["nope"], EXIT.usage],
  ["validate without a file", () => ["validate"], EXIT.usage],
  ["validate of a missing file", () => ["validate", file("missing.json")], EXIT.unreadable],
  ["validate of broken JSON", () => ["validate", file("broken.json")], EXIT.unreadable],
  ["validate of an invalid spec", () => ["validate", file("invalid-spec.json")], EXIT.invalid],
  ["validate of a valid spec", () => ["validate", SPEC], EXIT.ok],
  ["decide of a missing file", () => ["decide", file("missing.json")], EXIT.unreadable],
  ["decide of broken JSON", () => ["decide", file("broken.json")], EXIT.unreadable],
  [
    "decide of a response that does not read",
    () => ["decide", file("not-a-response.json")],
    EXIT.invalid,
  ],
  [
    "decide under an invalid policy",
    () => ["decide", RESPONSE, "--policy", file("bad-policy.json")],
    EXIT.invalid,
  ],
  [
    "decide under a missing policy file",
    () => ["decide", RESPONSE, "--policy", file("missing.json")],
    EXIT.unreadable,
  ],
  ["decide of a saved response", () => ["decide", RESPONSE], EXIT.ok],
  ["report of broken JSON", () => ["report", file("broken.json")], EXIT.unreadable],
  ["report with --html naming a folder", () => ["report", RESPONSE, "--html", dir], EXIT.usage],
  ["report of a job with no local stack", () => ["report", "some-job"], EXIT.unavailable],
  ["start of broken JSON", () => ["start", file("broken.json")], EXIT.unreadable],
  ["start of an invalid spec", () => ["start", file("invalid-spec.json")], EXIT.invalid],
  ["start of a missing file", () => ["start", file("missing.json")], EXIT.unreadable],
  ["start with no local stack", () => ["start", SPEC], EXIT.unavailable],
  ["status without a job", () => ["status"], EXIT.usage],
  ["stop without a job", () => ["stop"], EXIT.usage],
  ["stop of two jobs", () => ["stop", "a", "b"], EXIT.usage],
  ["list with a limit that is no number", () => ["list", "--limit", "x"], EXIT.usage],
  ["local without a server", () => ["local"], EXIT.usage],
  ["local with an unknown server", () => ["local", "nope"], EXIT.usage],
];

describe("irflow's exit status", () => {
  it.each(CASES)("%s exits as documented, without a stack trace", async (_case, argv, status) => {
    // Prepare
    const io = captureIo({ ...process.env, IRFLOW_LOCAL_STATE: file("no-stack.json") });

    // Act
    const code = await main(argv(), io);

    // Assess
    expect(code).toBe(status);
    expect(`${io.out()}${io.err()}`).not.toMatch(/\n\s+at [^\n]*:\d+:\d+/);
    if (status !== EXIT.ok) expect(io.err().trim()).not.toBe("");
  });
});
