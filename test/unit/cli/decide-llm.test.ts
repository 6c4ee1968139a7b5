import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { captureIo } from "../../support/cli.ts";

const RESPONSE = "test/fixtures/describe/ai-recommendation-llama.json";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "irflow-decide-llm-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function decide(policy: object, json = true) {
  const path = join(dir, "policy.json");
  await writeFile(path, JSON.stringify(policy));
  const io = captureIo();
  const code = await main(["decide", RESPONSE, "--policy", path, ...(json ? ["--json"] : [])], io);
  return { code, out: io.out(), err: io.err() };
}

describe("irflow decide on a DescribeAIRecommendationJob response", () => {
  it("recognizes the response by its shape and prints the LLM decision as JSON", async () => {
    // Act
    const { code, out } = await decide({
      requestsPerSecond: 10,
      maxTtftMs: 200,
      prices: { "ml.g6e.2xlarge": 2.24, "ml.g5.12xlarge": 7.09 },
    });

    // Assess
    expect(code).toBe(0);
    const decision = JSON.parse(out);
    expect(decision).toMatchObject({
      kind: "ai-recommendation",
      outcome: "selected",
      selected: {
        instanceType: "ml.g6e.2xlarge",
        instanceCount: 4,
        copiesPerInstance: 1,
        monthlyCost: 6540.8,
        costPerMillionTokens: 0.766,
        metrics: { ttftMs: 182.5, interTokenLatencyMs: 21.4, outputTokensPerSecond: 812 },
      },
    });
    expect(
      decision.rejected.map((item: { entry: { instanceType: string }; rule: string }) => [
        item.entry.instanceType,
        item.rule,
      ]),
    ).toEqual([
      ["ml.g5.12xlarge", "max-ttft"],
      ["ml.g6.12xlarge", "missing-metric"],
      ["ml.p4d.24xlarge", "missing-metric"],
    ]);
  });

  it("prints the sentence, the table and what it could not read", async () => {
    // Act
    const { code, out } = await decide({ objective: "ttft" }, false);

    // Assess
    expect(code).toBe(0);
    expect(out.split("\n")[0]).toBe(
      "selected ml.g6e.2xlarge x 1 (1 copy each) for an unknown cost (no price) at TTFT p90 183 ms, ITL p90 21 ms, 812 output tokens/s (by ttft; 2 of 4 configurations meet the policy)",
    );
    expect(out).toMatch(/^\* +ml\.g6e\.2xlarge x 1 \(1 copy each\) .*selected$/m);
    expect(out).toContain(
      'note: ml.g6.12xlarge: TimeToFirstToken p90 is in an unknown unit, "furlongs": not used',
    );
    expect(out).toContain("note: ml.p4d.24xlarge: TTFT p90 has no numeric value (NaN)");
  });

  it("refuses an LLM policy that breaks a rule, naming the field, with exit 1", async () => {
    // Act
    const { code, err } = await decide({ latencyStat: "p42", maxTtftMs: -1 });

    // Assess
    expect(code).toBe(1);
    expect(err).toContain("(policy).latencyStat");
    expect(err).toContain("(policy).maxTtftMs");
  });

  it("takes --prices as Price List prices: the policy's win, and each source is shown", async () => {
    // Prepare
    const policyPath = join(dir, "priced-policy.json");
    const pricesPath = join(dir, "prices.json");
    await writeFile(
      policyPath,
      JSON.stringify({ requestsPerSecond: 10, prices: { "ml.g6e.2xlarge": 2.24 } }),
    );
    await writeFile(pricesPath, JSON.stringify({ "ml.g6e.2xlarge": 9, "ml.g5.12xlarge": 7.09 }));
    const run = async (json: boolean) => {
      const io = captureIo();
      const args = ["decide", RESPONSE, "--policy", policyPath, "--prices", pricesPath];
      const code = await main(json ? [...args, "--json"] : args, io);
      return { code, out: io.out() };
    };

    // Act
    const json = await run(true);
    const text = await run(false);

    // Assess
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out).prices).toEqual([
      { instanceType: "ml.g5.12xlarge", pricePerHour: 7.09, source: "price-list" },
      { instanceType: "ml.g6.12xlarge", source: "unknown" },
      { instanceType: "ml.g6e.2xlarge", pricePerHour: 2.24, source: "policy" },
      { instanceType: "ml.p4d.24xlarge", source: "unknown" },
    ]);
    expect(text.out).toContain("price: ml.g5.12xlarge $7.09/h, from the AWS Price List");
    expect(text.out).toContain("price: ml.g6e.2xlarge $2.24/h, from policy.prices");
    expect(text.out).toContain("price: ml.p4d.24xlarge unknown");
  });

  it("refuses a --prices file that is not prices, naming the entry, and --prices on a classic job", async () => {
    // Prepare
    const pricesPath = join(dir, "bad-prices.json");
    await writeFile(pricesPath, JSON.stringify({ "ml.g5.12xlarge": -1 }));
    const llm = captureIo();
    const classic = captureIo();

    // Act
    const llmCode = await main(["decide", RESPONSE, "--prices", pricesPath], llm);
    const classicCode = await main(
      ["decide", "test/fixtures/describe/aws-default-c5-xlarge.json", "--prices", pricesPath],
      classic,
    );

    // Assess
    expect(llmCode).toBe(1);
    expect(llm.err()).toMatch(/\(prices\)[.\s]*ml\.g5\.12xlarge.*must be greater than 0/s);
    expect(classicCode).toBe(64);
    expect(classic.err()).toContain("--prices applies to an LLM job's response");
  });
});
