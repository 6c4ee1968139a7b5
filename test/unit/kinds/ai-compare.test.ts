import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOTIFICATION_RULES } from "../../../src/infrastructure.ts";
import {
  aiRecommendationJobSchema,
  decideAiRecommendation,
} from "../../../src/kinds/ai-recommendation/decide.ts";
import { llmPolicySchema } from "../../../src/kinds/ai-recommendation/policy.ts";
import { llmComparisonSentence } from "../../../src/kinds/ai-recommendation/sentence.ts";
import { buildOutcomeDetail, detailTypeOf, OUTCOME_DETAILS } from "../../../src/outcome.ts";
import { jobRecordSchema } from "../../../src/workflow/record.ts";

const ROOT = join(import.meta.dirname, "../../..");
const JOB = aiRecommendationJobSchema.parse(
  JSON.parse(
    readFileSync(join(ROOT, "test/fixtures/describe/ai-recommendation-llama.json"), "utf8"),
  ),
);
const PRICES = {
  "ml.g6e.2xlarge": 2.24,
  "ml.g5.12xlarge": 7.09,
  "ml.p4d.24xlarge": 37.69,
  "ml.g6.12xlarge": 5.75,
};
const decide = (policy: object) =>
  decideAiRecommendation(
    JOB,
    llmPolicySchema.parse({ requestsPerSecond: 10, prices: PRICES, ...policy }),
  );

describe("an LLM decision against production", () => {
  it("prices production as the entries are priced and finds a saving worth acting on", () => {
    // Act: the proposal is ml.g6e.2xlarge x 4 at $2.24 an hour (6,540.8 a month).
    const { comparison, selected } = decide({
      current: { instanceType: "ml.g5.12xlarge", instanceCount: 2 },
    });

    // Assess: 2 x 7.09 x 730 = 10,351.4 a month.
    expect(selected?.monthlyCost).toBe(6540.8);
    expect(comparison).toEqual({
      current: {
        instanceType: "ml.g5.12xlarge",
        instanceCount: 2,
        monthlyCost: 10351.4,
        costSource: "instance-price",
      },
      proposedMonthlyCost: 6540.8,
      saving: { monthly: 3810.6, percent: 36.812 },
      worthActing: true,
      reason: expect.stringMatching(/^saves \$3,811\/month \(36\.8%\), at least minMonthlySavings/),
    });
    expect(llmComparisonSentence(comparison ?? never())).toBe(
      "Production (ml.g5.12xlarge x 2) costs $10,351/month; the proposal costs $6,541/month, saving $3,811/month (36.8%): worth acting on",
    );
  });

  it("falls back to current.monthlyCost without a price, and holds a small saving short of the thresholds", () => {
    // Act
    const unpriced = decide({
      current: { instanceType: "ml.g6.48xlarge", instanceCount: 1, monthlyCost: 6600 },
    });
    const costsMore = decide({
      current: { instanceType: "ml.g6e.2xlarge", instanceCount: 3 },
    });

    // Assess
    expect(unpriced.comparison).toMatchObject({
      current: { monthlyCost: 6600, costSource: "policy" },
      saving: { monthly: 59.2 },
      worthActing: false,
      reason: expect.stringContaining("below minSavingsPercent 10%"),
    });
    expect(costsMore.comparison).toMatchObject({
      current: { monthlyCost: 4905.6, costSource: "instance-price" },
      worthActing: false,
      reason: expect.stringMatching(/^the proposal costs \$1,635\/month \(33\.3%\) more$/),
    });
  });

  it("never makes up production's cost, and has nothing to act on without a proposal", () => {
    // Act
    const unknown = decide({ current: { instanceType: "ml.g6.48xlarge", instanceCount: 1 } });
    const unsatisfiable = decide({
      maxTtftMs: 1,
      current: { instanceType: "ml.g5.12xlarge", instanceCount: 2 },
    });
    const none = decide({});

    // Assess
    expect(unknown.comparison).toMatchObject({
      current: { costSource: "unknown" },
      worthActing: false,
      reason: expect.stringContaining("no price of ml.g6.48xlarge is known"),
    });
    expect(unknown.comparison?.current.monthlyCost).toBeUndefined();
    expect(unknown.comparison?.saving).toBeUndefined();
    expect(unsatisfiable.outcome).toBe("unsatisfiable");
    expect(unsatisfiable.comparison).toMatchObject({
      worthActing: false,
      reason: "no proposal: the decision is unsatisfiable",
    });
    expect(none.comparison).toBeUndefined();
  });

  it("takes current and the thresholds with the classic kind's rules, naming the field", () => {
    // Act
    const parsed = llmPolicySchema.safeParse({
      current: { instanceType: "g5.12xlarge", instanceCount: 0 },
      minSavingsPercent: 120,
    });

    // Assess
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "current.instanceType",
        "current.instanceCount",
        "minSavingsPercent",
      ]),
    );
  });

  it("puts the comparison and its sentence in the event detail the savings rule matches", () => {
    // Prepare: a recorded LLM selection, decided again under a policy with production.
    const record = jobRecordSchema.parse(
      JSON.parse(
        readFileSync(join(ROOT, "test/fixtures/records/v2/llm-publishing-selected.json"), "utf8"),
      ),
    );
    const llmDecision = decide({ current: { instanceType: "ml.g5.12xlarge", instanceCount: 2 } });

    // Act
    const detail = buildOutcomeDetail({ ...record, llmDecision }, new Date());

    // Assess
    expect(detailTypeOf(detail)).toBe("LLM Recommendation Selected");
    expect(OUTCOME_DETAILS["llm-selected"].schema.safeParse(detail).success).toBe(true);
    expect(detail).toMatchObject({
      comparison: { worthActing: true, saving: { monthly: 3810.6 } },
      comparisonSentence: expect.stringMatching(/^Production \(ml\.g5\.12xlarge x 2\) costs/),
    });
    const rule = NOTIFICATION_RULES.find((item) => item.name === "notify-savings");
    expect(rule?.eventPattern["detail-type"]).toContain(detailTypeOf(detail));
  });
});

function never(): never {
  throw new Error("no comparison");
}
