/**
 * An LLM job (the kind ai-recommendation) run end to end on the local stack, then read back by
 * status, list and report (terminal, --json, --html): each shows the decision the workflow made,
 * the same as its outcome event.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import type { LocalStack } from "../../local/stack.ts";
import { type CliStack, openCliStack } from "../support/cli.ts";
import {
  outcomeEvents,
  runWorkflow,
  type StackClients,
  sample,
  stackClients,
} from "../support/stack.ts";

let cli: CliStack;
let stack: LocalStack;
let clients: StackClients;
const MODEL = "model-artifacts/example-models/llm/llama-3-8b-chat/";

beforeAll(async () => {
  cli = await openCliStack({ timeScale: 3000, logLevel: "ERROR" }, "ai-report");
  stack = cli.stack;
  clients = stackClients(stack);
});

afterAll(async () => {
  clients.destroy();
  await cli.close();
});

async function run(args: string[]) {
  const io = cli.io();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** Runs the LLM sample under a run key, the policy changed by `policy`; returns its job name. */
async function runAi(runKey: string, policy: object = {}, ends = "SUCCEEDED"): Promise<string> {
  const spec = sample("ai/llama-3-8b-chat.json", runKey);
  const irflow = spec.irflow as { policy: object; runKey: string };
  spec.irflow = { ...irflow, policy: { ...irflow.policy, ...policy } };
  const execution = await runWorkflow(stack, clients, spec, `ai-${runKey}`);
  expect(execution.status).toBe(ends);
  const { records } = await clients.store.listByModel(MODEL, 50);
  const record = records.find((item) => item.jobName.endsWith(`-${runKey}`));
  if (!record) throw new Error(`no record for run key ${runKey}`);
  return record.jobName;
}

async function reportAndPage(jobName: string) {
  const path = join(cli.dir, `${jobName}.html`);
  const { code, out } = await run(["report", jobName, "--json", "--html", path]);
  const html = await readFile(path, "utf8");
  const json = /<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(html)?.[1];
  return { code, reported: JSON.parse(out), data: JSON.parse(json ?? "null"), html };
}

describe("an LLM job, wherever it is read", () => {
  let selectedJob: string;
  let unsatisfiableJob: string;

  beforeAll(async () => {
    selectedJob = await runAi("rep-sel");
    unsatisfiableJob = await runAi("rep-unsat", { maxTtftMs: 50 });
  });

  it("status shows the kind, the sentence, the configuration to deploy and every rejected one with its rule", async () => {
    // Act
    const { code, out } = await run(["status", selectedJob]);
    const json = await run(["status", selectedJob, "--json"]);

    // Assess
    expect(code).toBe(0);
    expect(out).toContain("kind       ai-recommendation\n");
    expect(out).toContain(
      "decision   selected ml.g6e.2xlarge x 2 (1 copy each) for $3,270/month at TTFT p90 98 ms, ITL p90 34 ms, 1,070.72 output tokens/s (by monthly-cost; 1 of 3 configurations meet the policy)\n",
    );
    expect(out).toContain(
      "selected   ml.g6e.2xlarge x 2 (1 copy each): $3,270/month, $0.581/1M output tokens, $2.24/h an instance (policy.prices)\n",
    );
    expect(out).toContain(
      "expected   TTFT p90 98 ms, ITL p90 34 ms, request latency p90 5,130 ms\n",
    );
    expect(out).toContain(
      "throughput 7.14 requests/s, 1,070.72 output tokens/s as benchmarked on 1 instance\n",
    );
    expect(out).toContain(
      "image      763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.31.0-lmi13.0.0-cu124\n",
    );
    expect(out).toMatch(/^env {8}OPTION_TENSOR_PARALLEL_DEGREE=1 /m);
    expect(out).toContain("optimized  (none)\n");
    expect(out).toMatch(/^ {2}\* {2}ml\.g6e\.2xlarge x 2 \(1 copy each\) +\$3,270 .* selected$/m);
    expect(out).toMatch(
      /^ {5}ml\.g5\.12xlarge x 1 \(4 copies each\) .* rejected \[max-ttft\] TTFT p90 253\.8 ms is above maxTtftMs 200 ms$/m,
    );
    const record = JSON.parse(json.out);
    expect(record.kind).toBe("ai-recommendation");
    expect(record.llmDecision).toMatchObject({
      outcome: "selected",
      selected: { instanceType: "ml.g6e.2xlarge", instanceCount: 2 },
    });
  });

  it("list --model marks the LLM jobs and the configuration each selected", async () => {
    // Act
    const { code, out } = await run(["list", "--model", MODEL]);

    // Assess
    expect(code).toBe(0);
    const [header, ...rows] = out.trimEnd().split("\n");
    expect(header).toMatch(/^CREATED +JOB +KIND +STATUS +OUTCOME +SELECTED$/);
    expect(rows.find((row) => row.includes(selectedJob))).toMatch(
      / ai-recommendation +COMPLETED +selected +ml\.g6e\.2xlarge x 2 \(1 copy each\), \$3,270\/month, TTFT p90 98 ms$/,
    );
    expect(rows.find((row) => row.includes(unsatisfiableJob))).toMatch(
      / ai-recommendation +COMPLETED +unsatisfiable +-$/,
    );
  });

  it("report prints the LLM table, and --json the decision with the deployment its event carries", async () => {
    // Act
    const text = await run(["report", selectedJob]);
    const { code, reported, data, html } = await reportAndPage(selectedJob);
    const [event] = outcomeEvents(stack, selectedJob);

    // Assess
    expect(text.code).toBe(0);
    expect(text.out.split("\n")[0]).toBe(
      "selected ml.g6e.2xlarge x 2 (1 copy each) for $3,270/month at TTFT p90 98 ms, ITL p90 34 ms, 1,070.72 output tokens/s (by monthly-cost; 1 of 3 configurations meet the policy)",
    );
    expect(text.out).toMatch(/STANDING \(by monthly-cost\)/);
    expect(text.out).toMatch(/^\* {2}ml\.g6e\.2xlarge x 2 \(1 copy each\) .* selected$/m);
    expect(code).toBe(0);
    expect(reported).toMatchObject({
      kind: "ai-recommendation",
      outcome: "selected",
      selected: {
        instanceType: "ml.g6e.2xlarge",
        instanceCount: 2,
        copiesPerInstance: 1,
        monthlyCost: 3270.4,
        costPerMillionTokens: 0.581,
        metrics: { ttftMs: 98.24, interTokenLatencyMs: 33.55 },
      },
    });
    expect(
      reported.ranked.map((entry: { instanceType: string; instanceCount: number }) => [
        entry.instanceType,
        entry.instanceCount,
      ]),
    ).toEqual([["ml.g6e.2xlarge", 2]]);
    expect(
      reported.rejected.map((item: { entry: { instanceType: string }; rule: string }) => [
        item.entry.instanceType,
        item.rule,
      ]),
    ).toEqual([
      ["ml.g5.12xlarge", "max-ttft"],
      ["ml.g6.12xlarge", "max-ttft"],
    ]);
    const detail = event?.detail as { deployment?: unknown; sentence?: string };
    expect(event?.["detail-type"]).toBe("LLM Recommendation Selected");
    expect(reported.deployment).toEqual(detail.deployment);
    expect(reported.sentence).toBe(detail.sentence);
    // The page carries what report --json prints.
    expect(data).toEqual(reported);
    expect(html).toContain(
      '<p class="kicker">irflow decision · job ' +
        `${selectedJob} · ai-recommendation · Completed · selected</p>`,
    );
  });

  it("the page charts monthly cost against TTFT p90, one point per configuration, the selected one apart", async () => {
    // Act
    const { html } = await reportAndPage(selectedJob);

    // Assess
    expect(html).toContain("<h2>Monthly cost against TTFT p90</h2>");
    const svg = /<svg[\s\S]*<\/svg>/.exec(html)?.[0] ?? "";
    expect(svg).toContain("monthly cost (US $)");
    expect(svg).toContain("TTFT p90 (ms)");
    expect(svg).toContain("maxTtftMs 200 ms");
    const titles = [...svg.matchAll(/<circle class="point"[^>]*><title>([^<]*)<\/title>/g)].map(
      (match) => match[1],
    );
    expect(titles).toEqual([
      "ml.g5.12xlarge x 1 (4 copies each) (rejected [max-ttft]: TTFT p90 253.8 ms is above maxTtftMs 200 ms): $5,176/month, TTFT p90 254 ms",
      "ml.g6.12xlarge x 2 (4 copies each) (rejected [max-ttft]: TTFT p90 261.65 ms is above maxTtftMs 200 ms): $8,395/month, TTFT p90 262 ms",
      "ml.g6e.2xlarge x 2 (1 copy each) (selected): $3,270/month, TTFT p90 98 ms",
    ]);
    expect(html).toMatch(/<tr class="selected feasible" data-entry-id="ml\.g6e\.2xlarge:1:1"/);
    expect(html).toMatch(/<tr class="rejected" data-entry-id="ml\.g5\.12xlarge:1:4"/);
    expect(html).toContain("<dt>fleet</dt><dd>ml.g6e.2xlarge x 2, 1 copy of the model each</dd>");
  });

  it("an unsatisfiable LLM job reports every configuration rejected and the limit that would admit one", async () => {
    // Act
    const { code, reported, data, html } = await reportAndPage(unsatisfiableJob);

    // Assess
    expect(code).toBe(0);
    expect(reported.outcome).toBe("unsatisfiable");
    expect(reported.deployment).toBeUndefined();
    expect(reported.sentence).toBe(
      "no configuration meets the policy: 3 rejected (max-ttft 3); maxTtftMs 98.24 would admit a configuration",
    );
    expect(data).toEqual(reported);
    expect(html).toContain("<li>maxTtftMs 98.24 would admit a configuration</li>");
    expect(html.match(/<circle class="point"/g)).toHaveLength(3);
  });

  it("a failed LLM job reports its failure as a classic one does, with no chart", async () => {
    // Prepare: the emulator fails a job whose name says AI recommendations are not enabled.
    const jobName = await runAi("not-enabled", {}, "FAILED");

    // Act
    const { code, reported, data, html } = await reportAndPage(jobName);
    const text = await run(["report", jobName]);

    // Assess
    expect(code).toBe(0);
    expect(reported).toMatchObject({ kind: "ai-recommendation", outcome: "failed" });
    expect(reported.ranked).toEqual([]);
    expect(reported.diagnosis).toBeDefined();
    expect(data).toEqual(reported);
    expect(html).toContain('<section id="diagnosis">');
    expect(html).not.toContain("<svg");
    expect(text.out).toMatch(/^the job ended FAILED: /);
    expect(text.out).toContain("diagnosis\n");
  });

  it("report --policy decides an LLM job again under an LLM policy and says so; a classic policy is refused by field", async () => {
    // Prepare: the selected job's own policy under a TTFT limit that nothing meets.
    const strict = join(cli.dir, "strict-llm-policy.json");
    const spec = sample("ai/llama-3-8b-chat.json", "strict");
    const own = (spec.irflow as { policy: Record<string, unknown> }).policy;
    await writeFile(strict, JSON.stringify({ ...own, maxTtftMs: 1 }));

    // Act
    const json = await run(["report", selectedJob, "--json", "--policy", strict]);
    const text = await run(["report", selectedJob, "--policy", strict]);
    const classic = await run([
      "report",
      selectedJob,
      "--policy",
      "events/policies/fraud-xgboost-slo.json",
    ]);

    // Assess
    expect(json.code).toBe(0);
    const reported = JSON.parse(json.out);
    expect(reported).toMatchObject({
      kind: "ai-recommendation",
      outcome: "unsatisfiable",
      policyOverride: { file: strict, recordedOutcome: "selected" },
    });
    expect(reported.selected).toBeUndefined();
    expect(reported.relaxations.length).toBeGreaterThan(0);
    expect(text.code).toBe(0);
    expect(text.out.split("\n")[0]).toBe(
      `under --policy ${strict}, not the job's own policy (the workflow decided: selected)`,
    );
    expect(classic.code).toBe(1);
    expect(classic.err).toContain("for an LLM job");
    expect(classic.err).toMatch(/\(policy\)\.(requestsPerMinute|maxLatencyMs)/);
  });
});
