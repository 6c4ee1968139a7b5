/** What the record stores of each kind: one decision field per kind, and a spec read as its kind. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JOB_KINDS, kindNameOf } from "../../../src/kinds/index.ts";
import { KIND_DECISION_FIELDS, storedAnySpecSchema } from "../../../src/kinds/stored.ts";
import { DECISION_FIELDS } from "../../../src/workflow/record.ts";

const sample = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("the kinds in the job record", () => {
  it("keeps each kind's decision in a field of its own", () => {
    // Assess
    expect(Object.keys(KIND_DECISION_FIELDS)).toHaveLength(JOB_KINDS.length);
    expect(DECISION_FIELDS).toEqual(["decision", "llmDecision"]);
  });

  it("reads a stored spec as the kind it was written as", () => {
    // Prepare
    const specs = {
      "inference-recommendation": sample("events/specs/default-model-name.json"),
      "ai-recommendation": sample("events/specs/ai/llama-3-8b-chat.json"),
    };

    // Act
    const kinds = Object.entries(specs).map(([kind, spec]) => [
      kind,
      kindNameOf(storedAnySpecSchema.parse(spec)),
    ]);

    // Assess
    expect(Object.keys(specs).sort()).toEqual([...JOB_KINDS].sort());
    for (const [written, read] of kinds) expect(read).toBe(written);
  });

  it("keeps what a stored spec holds beyond today's rules", () => {
    // Prepare
    const classic = sample("events/specs/default-model-name.json");
    const tooLong = { ...classic, job: { ...classic.job, JobName: "j".repeat(200) } };

    // Act
    const read = storedAnySpecSchema.parse(tooLong);

    // Assess
    expect(read).toMatchObject({ job: { JobName: "j".repeat(200) } });
  });
});
