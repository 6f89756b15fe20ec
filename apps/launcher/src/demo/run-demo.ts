/** Runs the five steps in order against a running stack and counts passed and failed steps. */
import type { DemoContext } from './demo-context.js';
import { crashRecovery } from './scenarios/crash-recovery.js';
import { decoupling } from './scenarios/decoupling.js';
import { failedTransaction } from './scenarios/failed-transaction.js';
import { orderedFlow } from './scenarios/ordered-flow.js';
import { peakShaving } from './scenarios/peak-shaving.js';
import type { StepResult } from './step.js';

export const DEMO_STEPS: ReadonlyArray<{
  title: string;
  run: (ctx: DemoContext, title: string) => Promise<StepResult<unknown>>;
}> = [
  { title: 'Peak shaving', run: peakShaving },
  { title: 'Decoupling', run: decoupling },
  { title: 'A failed local transaction leaves no message and no points', run: failedTransaction },
  { title: 'order-service killed between the half message and the commit', run: crashRecovery },
  { title: 'Ordered status flow for many orders at once', run: orderedFlow },
];

export interface DemoOutcome {
  passed: number;
  failed: number;
  results: Array<StepResult<unknown>>;
}

export async function runDemo(ctx: DemoContext): Promise<DemoOutcome> {
  const results: Array<StepResult<unknown>> = [];
  for (const [index, step] of DEMO_STEPS.entries()) {
    const title = `${index + 1}/${DEMO_STEPS.length} ${step.title}`;
    try {
      results.push(await step.run(ctx, title));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      ctx.narrator.check({ label: 'the step could not finish', ok: false, detail });
      ctx.narrator.verdict(false);
      results.push({
        title,
        checks: [{ label: 'the step could not finish', ok: false, detail }],
        passed: false,
        facts: undefined,
      });
    }
  }
  const passed = results.filter((result) => result.passed).length;
  return { passed, failed: results.length - passed, results };
}
