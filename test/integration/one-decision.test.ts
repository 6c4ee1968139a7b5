import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import type { LocalStack } from "../../local/stack.ts";
import { type CliStack, captureIo, openCliStack } from "../support/cli.ts";
import { jobNameOf } from "../support/specs.ts";
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
let dir: string;
let statePath: string;

beforeAll(async () => {
  cli = await openCliStack({ timeScale: 3000, logLevel: "ERROR" }, "one-decision");
  ({ stack, dir, statePath } = cli);
  clients = stackClients(stack);
});

afterAll(async () => {
  clients.destroy();
  await cli.close();
});

beforeEach(() => stack.sagemaker.service.faults.configure({}));

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo({ ...process.env, IRFLOW_LOCAL_STATE: statePath });
  const code = await main(args, io);
  return { code, out: io.out() };
}

/**
 * `report --json --html` in one run: what it prints, the data the page is written from as the page
 * carries it, and the outcome the page's header shows.
 */
async function reportAndPage(jobName: string) {
  const path = join(dir, `${jobName}.html`);
  const { code, out } = await run(["report", jobName, "--json", "--html", path]);
  if (code !== 0) return { code };
  const html = await readFile(path, "utf8");
  const json = /<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(html)?.[1];
  return {
    code,
    reported: JSON.parse(out),
    data: JSON.parse(json ?? "null") as Record<string, unknown>,
    kicker: /<p class="kicker">[^<]* · ([a-z-]+)<\/p>/.exec(html)?.[1],
  };
}

const entryOf = (selected: { instanceType?: string; instanceCount?: number } | undefined) =>
  selected ? `${selected.instanceType} x ${selected.instanceCount}` : undefined;

describe("one decision, wherever it is read", () => {
  const kinds: {
    outcome: string;
    spec: () => Record<string, unknown>;
    faults?: Parameters<LocalStack["sagemaker"]["service"]["faults"]["configure"]>[0];
  }[] = [
    { outcome: "selected", spec: () => sample("default-slo-policy.json", "one-selected") },
    {
      outcome: "unsatisfiable",
      spec: () => {
        const spec = sample("default-slo-policy.json", "one-unsat");
        const irflow = spec.irflow as { policy: object };
        spec.irflow = { ...irflow, policy: { ...irflow.policy, maxLatencyMs: 1 } };
        return spec;
      },
    },
    {
      outcome: "failed",
      spec: () => sample("default-model-package.json", "one-failing"),
      faults: { jobs: [{ match: "-one-failing$", fate: "fail", reason: "payload-error" }] },
    },
    {
      outcome: "timed-out",
      spec: () => {
        const spec = sample("default-model-package.json", "one-stuck");
        spec.irflow = { ...(spec.irflow as object), deadlineSeconds: 1800 };
        return spec;
      },
      faults: { jobs: [{ match: "-one-stuck$", fate: "stuck" }] },
    },
    { outcome: "measured", spec: () => sample("existing-endpoint.json", "one-measured") },
    {
      outcome: "rejected",
      spec: () => {
        const spec = sample("advanced-phases.json", "one-rejected");
        (spec.job as { InputConfig: { ResourceLimit: unknown } }).InputConfig.ResourceLimit = {
          MaxNumberOfTests: 2,
          MaxParallelOfTests: 5,
        };
        return spec;
      },
    },
  ];

  for (const kind of kinds) {
    it(`status, report, the event and the page agree on a ${kind.outcome} job`, async () => {
      // Prepare
      if (kind.faults) stack.sagemaker.service.faults.configure(kind.faults);
      const spec = kind.spec();
      // A rejected spec has no job name of its own: its record is named after the execution.
      const jobName = kind.outcome === "rejected" ? "rejected-one-rejected" : jobNameOf(spec);
      await runWorkflow(stack, clients, spec, `one-${kind.outcome}`);

      // Act
      const status = await run(["status", jobName, "--json"]);
      const [event, ...more] = outcomeEvents(stack, jobName);
      const report = await reportAndPage(jobName);

      // Assess
      expect(status.code).toBe(0);
      const record = JSON.parse(status.out);
      expect(record.outcome).toBe(kind.outcome);
      expect(more).toHaveLength(0);
      expect(event?.detail).toMatchObject({ outcome: kind.outcome });
      // A job that ran to an end, or that irflow stopped at its deadline, has its own cost
      // estimated, the same in the record and the event.
      if (["selected", "unsatisfiable", "measured", "failed", "timed-out"].includes(kind.outcome)) {
        expect(record.tuningCost).toBeDefined();
        expect((event?.detail as { tuningCost?: unknown } | undefined)?.tuningCost).toEqual(
          record.tuningCost,
        );
      }
      if (["selected", "unsatisfiable"].includes(kind.outcome)) {
        expect(record.tuningCost?.benchmarks).toBeGreaterThan(0);
        expect(record.tuningCost?.dollars).toBeGreaterThan(0);
      }
      if (["failed", "timed-out"].includes(kind.outcome)) {
        // A failed or stopped job gives no price of its own: its benchmarks take the list price.
        const parts = record.tuningCost?.parts as { priceSource?: string }[];
        expect(parts.some((part) => part.priceSource === "list")).toBe(true);
        expect(parts.every((part) => part.priceSource !== "job")).toBe(true);
      }
      const detail = event?.detail as { selected?: never; policy?: unknown };
      expect(entryOf(detail.selected)).toBe(entryOf(record.decision?.selected));
      if (report.code === 0) {
        const { reported, data } = report;
        expect(reported.outcome).toBe(kind.outcome);
        expect(entryOf(reported.selected)).toBe(entryOf(record.decision?.selected));
        if (record.decision?.policy) expect(reported.policy).toEqual(record.decision.policy);
        expect(report.kicker).toBe(kind.outcome);
        expect(data?.outcome).toBe(kind.outcome);
        expect(entryOf(data?.selected as never)).toBe(entryOf(record.decision?.selected));
        expect(data?.policy).toEqual(reported.policy);
        expect(data?.sentence).toBe(reported.sentence);
      } else {
        // A job SageMaker never ran has no results to report: only a rejected spec.
        expect(kind.outcome).toBe("rejected");
      }
    });
  }

  it("sums the jobs' own costs in list --costs, as their records give them", async () => {
    // Act
    const listed = await run(["list", "--costs", "--json"]);

    // Assess: every job above ended this month on the stack's clock, with its estimate.
    expect(listed.code).toBe(0);
    const totals = JSON.parse(listed.out) as {
      rows: { dollars: number; jobs: number }[];
      total: { dollars: number; jobs: number; withoutEstimate: number };
    };
    expect(totals.total.jobs).toBeGreaterThanOrEqual(5);
    expect(totals.total.dollars).toBeGreaterThan(0);
    const summed = totals.rows.reduce((sum, row) => sum + row.dollars, 0);
    expect(totals.total.dollars).toBeCloseTo(summed, 4);
  });
});
