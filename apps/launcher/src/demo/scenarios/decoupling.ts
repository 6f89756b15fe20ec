/**
 * Step 2, decoupling: with points-service stopped, order-service keeps creating and paying orders (it only
 * needs the broker); the awards wait in the broker, and the restarted points-service catches up with every
 * one of them, each exactly once.
 */
import type { DemoContext } from '../demo-context.js';
import { StepRecorder, StepResult, waitUntil } from '../step.js';
import type { PlacedOrder, PointsExpectation } from './orders-helpers.js';
import { awardsOf, describeMismatches, orderSpecs, placeOrders, total, waitForBalances } from './orders-helpers.js';

export interface DecouplingFacts {
  orders: PlacedOrder[];
  expected: Map<string, PointsExpectation>;
  lagWhileDown: number;
}

export async function decoupling(ctx: DemoContext, title = 'Decoupling'): Promise<StepResult<DecouplingFacts>> {
  const { narrator, settings } = ctx;
  narrator.title(title);
  const step = new StepRecorder(narrator);
  const count = settings.decouplingOrders;
  narrator.say(`points-service is stopped; ${count} orders are placed and paid meanwhile; then it is started again.`);
  const lag = (): Promise<number> => ctx.broker.lag(ctx.pointsGroup, ctx.topic);
  await waitUntil(async () => (await lag()) === 0, settings.settleTimeoutMs, 250);
  const baseline = await lag();

  const stopped = await ctx.control.stop('points');
  const down = (await ctx.points.stats()).status === 0;
  step.check(
    'points-service stopped (its HTTP port is closed too)',
    stopped.services.points.state === 'exited' && down,
    `state ${stopped.services.points.state}`,
  );

  const orders = await placeOrders(ctx, orderSpecs(ctx, 'decouple', count), { pay: true });
  const placed = orders.filter((order) => order.ok);
  step.check(
    `${placed.length}/${count} orders created and paid while points-service was down`,
    placed.length === count,
  );

  const waiting = (await lag()) - baseline;
  step.check(
    `${waiting} messages wait in the broker for points-service (${placed.length} of them awards)`,
    waiting >= placed.length,
  );

  narrator.say('starting points-service again...');
  const started = await ctx.control.start('points');
  step.check('points-service is back', started.services.points.state === 'running');

  const expected = awardsOf(placed);
  const bar = narrator.progress('catching up');
  const caughtUp = await waitForBalances(ctx, expected, async () => {
    const left = await lag();
    bar.update(Math.max(0, waiting - left), waiting, `${left} messages left`);
  });
  bar.stop();
  step.check(
    `it caught up with every award: ${expected.size} users, ${total(expected)} points, one ledger entry per paid order`,
    caughtUp.ok,
    describeMismatches(caughtUp.last),
  );
  return step.finish(title, { orders, expected, lagWhileDown: waiting });
}
