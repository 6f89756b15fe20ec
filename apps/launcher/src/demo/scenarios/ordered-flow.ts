/**
 * Step 5, ordered status flow: many orders go through their life at once (pay -> ship -> complete, or a
 * refund on the way); an independent orderly subscriber of topic `order` must see, for every order, exactly
 * its statuses in order, and the points must net out (refunded orders give nothing back).
 */
import type { DemoContext } from '../demo-context.js';
import { StepRecorder, StepResult, mapLimit, waitUntil } from '../step.js';
import type { PointsExpectation } from './orders-helpers.js';
import { describeMismatches, orderSpecs, total, waitForBalances } from './orders-helpers.js';

type Action = 'pay' | 'ship' | 'complete' | 'refund';

const PLANS: ReadonlyArray<{ actions: readonly Action[]; statuses: readonly string[] }> = [
  { actions: ['pay', 'ship', 'complete'], statuses: ['created', 'paid', 'shipped', 'completed'] },
  { actions: ['pay', 'ship', 'refund'], statuses: ['created', 'paid', 'shipped', 'refunded'] },
  { actions: ['pay', 'refund'], statuses: ['created', 'paid', 'refunded'] },
];

export interface OrderedFlowFacts {
  orders: Array<{ orderId: string; userId: string; amount: number; statuses: readonly string[] }>;
  expected: Map<string, PointsExpectation>;
  /** What the subscriber saw, per order id (tags in arrival order). */
  observed: Map<string, string[]>;
}

export async function orderedFlow(
  ctx: DemoContext,
  title = 'Ordered status flow',
): Promise<StepResult<OrderedFlowFacts>> {
  const { narrator, settings } = ctx;
  narrator.title(title);
  const step = new StepRecorder(narrator);
  const count = settings.orderedOrders;
  narrator.say(
    `${count} orders at once, each taken through its own life; a separate orderly subscriber records what it sees.`,
  );
  const observer = await ctx.broker.observe(ctx.topic, `${ctx.runId}-observer`, Date.now() - 1000);
  try {
    const routed = await waitUntil(() => observer.queues > 0, settings.settleTimeoutMs, 100);
    step.check(`the subscriber holds the lock of ${observer.queues} queue(s) of topic order`, routed);

    const specs = orderSpecs(ctx, 'flow', count);
    const orders = await mapLimit(specs, settings.httpConcurrency, async (spec, index) => {
      const plan = PLANS[index % PLANS.length]!;
      const created = await ctx.orders.create(spec);
      const orderId = created.body?.orderId ?? '';
      let ok = created.status === 201;
      for (const action of plan.actions) {
        if (!ok) break;
        ok = (await ctx.orders.act(orderId, action)).status === 200;
      }
      return { ...spec, orderId, statuses: plan.statuses, ok };
    });
    const succeeded = orders.filter((order) => order.ok).length;
    const expectedEvents = orders.reduce((sum, order) => sum + order.statuses.length, 0);
    step.check(
      `${succeeded}/${count} orders went through their whole life (${expectedEvents} status changes)`,
      succeeded === count,
    );

    const bar = narrator.progress('events seen');
    const seenAll = await waitUntil(
      () => {
        const seen = orders.reduce((sum, order) => sum + (observer.events.get(order.orderId)?.length ?? 0), 0);
        bar.update(seen, expectedEvents, `${seen}/${expectedEvents} events`);
        return seen >= expectedEvents;
      },
      settings.settleTimeoutMs,
      100,
    );
    bar.stop();
    const observed = new Map<string, string[]>();
    const outOfOrder: string[] = [];
    for (const order of orders) {
      const events = observer.events.get(order.orderId) ?? [];
      const tags = events.map((event) => event.tag);
      observed.set(order.orderId, tags);
      const versions = events.map((event) => event.version);
      const inOrder =
        tags.join('>') === order.statuses.join('>') && versions.every((version, index) => version === index + 1);
      if (!inOrder) outOfOrder.push(`${order.orderId}: ${tags.join(' > ')}`);
    }
    step.check(
      `every order's events arrived once and in order (${PLANS.map((plan) => plan.statuses.join(' > ')).join('; ')})`,
      seenAll && outOfOrder.length === 0,
      outOfOrder.length === 0 ? undefined : `${outOfOrder.length} not: ${outOfOrder.slice(0, 2).join('; ')}`,
    );

    const histories = await mapLimit(orders, settings.httpConcurrency, async (order) => {
      const row = await ctx.orders.get(order.orderId);
      return row.body?.history.map((entry) => entry.status).join('>') === order.statuses.join('>');
    });
    step.check("each order's history in order-service matches", histories.every(Boolean));

    const expected = new Map<string, PointsExpectation>();
    for (const order of orders) {
      const refunded = order.statuses.at(-1) === 'refunded';
      const current = expected.get(order.userId) ?? { points: 0, entries: 0 };
      expected.set(order.userId, {
        points: current.points + (refunded ? 0 : order.amount),
        entries: current.entries + (refunded ? 2 : 1),
      });
    }
    const balances = await waitForBalances(ctx, expected);
    step.check(
      `points net out: awards for completed orders, awards taken back for refunded ones (${total(expected)} in all)`,
      balances.ok,
      describeMismatches(balances.last),
    );
    return step.finish(title, { orders, expected, observed });
  } finally {
    await observer.shutdown();
  }
}
