/** Placing orders in bulk and comparing points with what the orders should have given. */
import type { DemoContext } from '../demo-context.js';
import { mapLimit, waitUntil } from '../step.js';

export interface OrderSpec {
  userId: string;
  amount: number;
  orderId?: string;
}

export interface PlacedOrder extends OrderSpec {
  orderId: string;
  ok: boolean;
  /** HTTP status of the failing call, 0 if the service did not answer. */
  failedStatus?: number;
}

/** `count` orders of the run's users for a step, amounts 10..99 spread deterministically. */
export function orderSpecs(ctx: DemoContext, step: string, count: number): OrderSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    userId: `${ctx.runId}-${step}-u${i % ctx.settings.users}`,
    amount: 10 + ((i * 37) % 90),
  }));
}

/** Creates each order and (with `pay`) pays it, at most httpConcurrency requests in flight. */
export function placeOrders(
  ctx: DemoContext,
  specs: readonly OrderSpec[],
  options: { pay: boolean; onPlaced?: () => void },
): Promise<PlacedOrder[]> {
  return mapLimit(specs, ctx.settings.httpConcurrency, async (spec) => {
    const created = await ctx.orders.create(spec);
    if (created.status !== 201 || created.body === undefined)
      return { ...spec, orderId: spec.orderId ?? '', ok: false, failedStatus: created.status };
    const orderId = created.body.orderId;
    if (options.pay) {
      const paid = await ctx.orders.act(orderId, 'pay');
      if (paid.status !== 200) return { ...spec, orderId, ok: false, failedStatus: paid.status };
    }
    options.onPlaced?.();
    return { ...spec, orderId, ok: true };
  });
}

export interface PointsExpectation {
  points: number;
  /** Ledger entries (awards and take-backs) the user should have. */
  entries: number;
}

export interface BalanceComparison {
  matching: number;
  mismatches: string[];
}

/** Reads every user's points and compares them with the expectation. */
export async function compareBalances(
  ctx: DemoContext,
  expected: ReadonlyMap<string, PointsExpectation>,
): Promise<BalanceComparison> {
  const mismatches: string[] = [];
  let matching = 0;
  for (const [userId, want] of expected) {
    const answer = await ctx.points.points(userId);
    const got = answer.body;
    if (answer.status !== 200 || got === undefined) {
      mismatches.push(`${userId}: no answer (${answer.error ?? answer.status})`);
    } else if (got.points !== want.points || got.entries.length !== want.entries) {
      mismatches.push(
        `${userId}: ${got.points} points in ${got.entries.length} entries, expected ${want.points} in ${want.entries}`,
      );
    } else {
      matching += 1;
    }
  }
  return { matching, mismatches };
}

/** Waits until every balance matches (true), or the settle timeout (false); the last comparison is kept. */
export async function waitForBalances(
  ctx: DemoContext,
  expected: ReadonlyMap<string, PointsExpectation>,
  onPoll?: () => Promise<void>,
): Promise<{ ok: boolean; last: BalanceComparison }> {
  let last: BalanceComparison = { matching: 0, mismatches: ['not checked yet'] };
  const ok = await waitUntil(
    async () => {
      await onPoll?.();
      last = await compareBalances(ctx, expected);
      return last.mismatches.length === 0;
    },
    ctx.settings.settleTimeoutMs,
    200,
  );
  return { ok, last };
}

/** One award per paid order: expected points and entries per user. */
export function awardsOf(orders: ReadonlyArray<{ userId: string; amount: number }>): Map<string, PointsExpectation> {
  const expected = new Map<string, PointsExpectation>();
  for (const order of orders) {
    const current = expected.get(order.userId) ?? { points: 0, entries: 0 };
    expected.set(order.userId, { points: current.points + order.amount, entries: current.entries + 1 });
  }
  return expected;
}

export function describeMismatches(comparison: BalanceComparison): string | undefined {
  if (comparison.mismatches.length === 0) return undefined;
  const shown = comparison.mismatches.slice(0, 3).join('; ');
  return comparison.mismatches.length > 3 ? `${shown}; +${comparison.mismatches.length - 3} more` : shown;
}

export function total(expected: ReadonlyMap<string, PointsExpectation>): number {
  let sum = 0;
  for (const want of expected.values()) sum += want.points;
  return sum;
}
