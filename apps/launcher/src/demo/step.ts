/** A demo step's checks and verdict, plus small helpers every step uses. */
import type { Check, Narrator } from './narrator.js';

export interface StepResult<Facts> {
  title: string;
  checks: Check[];
  passed: boolean;
  /** What the step did (ids, expected balances...), for the end-to-end tests' own exact assertions. */
  facts: Facts;
}

export class StepRecorder {
  readonly checks: Check[] = [];

  constructor(private readonly narrator: Narrator) {}

  check(label: string, ok: boolean, detail?: string): boolean {
    const check: Check = { label, ok, detail };
    this.checks.push(check);
    this.narrator.check(check);
    return ok;
  }

  finish<Facts>(title: string, facts: Facts): StepResult<Facts> {
    const passed = this.checks.length > 0 && this.checks.every((check) => check.ok);
    this.narrator.verdict(passed);
    return { title, checks: this.checks, passed, facts };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds (true) or the deadline passes (false). */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  stepMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(stepMs);
  }
}

/** Runs `task` over `items` with at most `limit` in flight; results in item order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
