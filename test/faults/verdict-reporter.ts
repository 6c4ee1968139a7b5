/**
 * Ends `npm run test:faults` with the campaign's verdict in one line, after vitest's summary, so
 * that the last line a reader sees says whether any outcome was lost or doubled.
 */
import type { Reporter, TestModule } from "vitest/node";

declare module "vitest" {
  interface TaskMeta {
    /** The fault campaign's one-line verdict, set by the suite that ran it. */
    faultVerdict?: string;
  }
}

export default class FaultVerdictReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const verdicts = testModules.flatMap((module) => {
      const verdict = module.meta().faultVerdict;
      return verdict === undefined ? [] : [verdict];
    });
    const faultSuiteRan = testModules.some((module) => module.moduleId.endsWith("faults.test.ts"));
    if (verdicts.length === 0 && faultSuiteRan) {
      process.stdout.write("fault campaign: no verdict, the campaign did not finish\n");
    }
    for (const verdict of verdicts) process.stdout.write(`${verdict}\n`);
  }
}
