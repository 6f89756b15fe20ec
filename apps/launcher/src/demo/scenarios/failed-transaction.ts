/**
 * Step 3, a failed local transaction leaves no message and no points:
 * - a second creation with a taken order id fails on the primary key: 409, the half message is rolled back
 *   and the first order is untouched;
 * - a creation whose local transaction fails after its insert (injected): 500, no row, no message.
 * A later successful creation is the barrier: once its message is visible, the earlier END_TRANSACTIONs
 * (sent before it on the same connection) have been processed.
 */
import type { DemoContext } from '../demo-context.js';
import { StepRecorder, StepResult, waitUntil } from '../step.js';

export interface FailedTransactionFacts {
  /** The order that exists: created by `owner`, never paid. */
  existing: { orderId: string; userId: string; amount: number };
  /** Users of the failed attempts: no points, no entries. */
  usersWithoutPoints: string[];
  /** The id of the attempt that failed after its insert: no order. */
  missingOrderId: string;
  /** The barrier order (paid): its user's points. */
  barrier: { orderId: string; userId: string; amount: number };
}

export async function failedTransaction(
  ctx: DemoContext,
  title = 'A failed local transaction',
): Promise<StepResult<FailedTransactionFacts>> {
  const { narrator, settings } = ctx;
  narrator.title(title);
  const step = new StepRecorder(narrator);
  const id = (name: string): string => `${ctx.runId}-tx-${name}`;
  const existing = { orderId: id('dup'), userId: id('owner'), amount: 40 };
  const intruder = id('intruder');
  const unlucky = id('unlucky');
  const missingOrderId = id('failed');
  const barrier = { orderId: id('barrier'), userId: id('barrier-user'), amount: 25 };

  narrator.say(`order ${existing.orderId} is created; then two creations fail inside their local transaction.`);
  const first = await ctx.orders.create(existing);
  const duplicate = await ctx.orders.create({ orderId: existing.orderId, userId: intruder, amount: 999 });
  step.check(
    'a second creation with the same order id fails on the primary key and is refused',
    first.status === 201 && duplicate.status === 409,
    `first ${first.status}, second ${duplicate.status}`,
  );
  const failed = await ctx.orders.create({ orderId: missingOrderId, userId: unlucky, amount: 55 }, 'fail-after-insert');
  step.check(
    'a creation whose local transaction throws after the insert is refused',
    failed.status === 500,
    `status ${failed.status}`,
  );

  const created = await ctx.orders.create(barrier);
  const paid = await ctx.orders.act(barrier.orderId, 'pay');
  const barrierVisible = await waitUntil(
    async () => (await ctx.broker.messagesByKey(ctx.topic, barrier.orderId)).length >= 2,
    settings.settleTimeoutMs,
    200,
  );
  const kept = await ctx.orders.get(existing.orderId);
  step.check(
    `order ${existing.orderId} is untouched (still ${existing.userId}'s, amount ${existing.amount})`,
    kept.body?.userId === existing.userId && kept.body.amount === existing.amount && kept.body.version === 1,
  );
  const duplicateMessages = await ctx.broker.messagesByKey(ctx.topic, existing.orderId);
  const owners = duplicateMessages.map(
    (message) => (JSON.parse(message.body.toString()) as { userId?: string }).userId,
  );
  step.check(
    `topic order holds exactly one message for ${existing.orderId}, the first creation's`,
    barrierVisible && duplicateMessages.length === 1 && owners[0] === existing.userId,
    `${duplicateMessages.length} message(s)`,
  );
  const failedMessages = await ctx.broker.messagesByKey(ctx.topic, missingOrderId);
  const failedRow = await ctx.orders.get(missingOrderId);
  step.check(
    `no order and no message for ${missingOrderId}`,
    barrierVisible && failedMessages.length === 0 && failedRow.status === 404,
    `${failedMessages.length} message(s), GET ${failedRow.status}`,
  );

  const awarded = await waitUntil(
    async () => (await ctx.points.points(barrier.userId)).body?.points === barrier.amount,
    settings.settleTimeoutMs,
    200,
  );
  const payFailed = await ctx.orders.act(missingOrderId, 'pay');
  const intruderPoints = (await ctx.points.points(intruder)).body;
  const unluckyPoints = (await ctx.points.points(unlucky)).body;
  step.check(
    'no points for the failed attempts (the order that did go through was paid and awarded)',
    created.status === 201 &&
      paid.status === 200 &&
      awarded &&
      payFailed.status === 404 &&
      intruderPoints?.points === 0 &&
      intruderPoints.entries.length === 0 &&
      unluckyPoints?.points === 0 &&
      unluckyPoints.entries.length === 0,
  );
  return step.finish(title, { existing, usersWithoutPoints: [intruder, unlucky], missingOrderId, barrier });
}
