/**
 * Step 1, peak shaving: a burst of orders is accepted at HTTP speed while points-service consumes at its
 * bounded rate; the backlog rises in the broker (consumer lag, GET_CONSUME_STATS) and then drains, and every
 * user ends with exactly the points of their paid orders.
 */
import type { DemoContext } from '../demo-context.js';
import { StepRecorder, StepResult, sleep, waitUntil } from '../step.js';
import type { BalanceComparison, PlacedOrder, PointsExpectation } from './orders-helpers.js';
import { awardsOf, compareBalances, describeMismatches, orderSpecs, placeOrders, total } from './orders-helpers.js';

export interface PeakShavingFacts {
  orders: PlacedOrder[];
  expected: Map<string, PointsExpectation>;
  peakLag: number;
  acceptedPerSecond: number;
  maxConsumeRatePerSecond: number;
}

export async function peakShaving(ctx: DemoContext, title = 'Peak shaving'): Promise<StepResult<PeakShavingFacts>> {
  const { narrator, settings } = ctx;
  narrator.title(title);
  const step = new StepRecorder(narrator);
  const rate = (await ctx.points.stats()).body?.maxConsumeRatePerSecond ?? 0;
  narrator.say(
    `${settings.burstOrders} orders are created and paid as fast as HTTP allows; points-service takes at most ` +
      `${rate === 0 ? 'any number of' : rate} messages/s and pulls only a few per queue, so the burst waits in the broker.`,
  );
  const lag = (): Promise<number> => ctx.broker.lag(ctx.pointsGroup, ctx.topic);
  if (!(await waitUntil(async () => (await lag()) === 0, settings.settleTimeoutMs, 250)))
    narrator.say('(an earlier backlog is still draining; it is counted below)');

  let peak = 0;
  let current = 0;
  let sampling = true;
  const bar = narrator.progress('points backlog');
  const sample = async (): Promise<void> => {
    current = await lag();
    peak = Math.max(peak, current);
    bar.update(peak - current, peak, `${current} messages waiting in the broker (peak ${peak})`);
  };
  const sampler = (async () => {
    while (sampling) {
      await sample();
      await sleep(100);
    }
  })();

  const startedAt = Date.now();
  const orders = await placeOrders(ctx, orderSpecs(ctx, 'shave', settings.burstOrders), { pay: true });
  const elapsedMs = Math.max(1, Date.now() - startedAt);
  sampling = false;
  await sampler;
  const placed = orders.filter((order) => order.ok);
  const acceptedPerSecond = Math.round((placed.length / elapsedMs) * 1000);
  const expected = awardsOf(placed);
  let last: BalanceComparison = { matching: 0, mismatches: ['not checked'] };
  const drained = await waitUntil(
    async () => {
      await sample();
      if (current !== 0) return false;
      last = await compareBalances(ctx, expected);
      return last.mismatches.length === 0;
    },
    settings.settleTimeoutMs,
    200,
  );
  bar.stop();
  step.check(
    `${placed.length}/${orders.length} orders created and paid in ${(elapsedMs / 1000).toFixed(1)} s (${acceptedPerSecond} orders/s)`,
    placed.length === orders.length,
  );
  step.check(
    `accepted faster than points-service may consume (${acceptedPerSecond}/s vs at most ${rate === 0 ? 'unlimited' : rate}/s)`,
    rate === 0 || acceptedPerSecond > rate,
  );

  step.check(`the backlog rose in the broker while the burst was accepted (peak ${peak} messages)`, peak > 0);
  step.check(
    `the backlog drained: ${expected.size} users have exactly the points of their paid orders (${total(expected)} in all)`,
    drained,
    describeMismatches(last) ?? (current === 0 ? undefined : `${current} messages still waiting`),
  );
  return step.finish(title, { orders, expected, peakLag: peak, acceptedPerSecond, maxConsumeRatePerSecond: rate });
}
