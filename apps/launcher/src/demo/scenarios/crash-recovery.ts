/**
 * Step 4, order-service killed between the half message and the commit. Twice, with an injected crash:
 * - after the half message, before the insert: the broker's check-back finds no order -> rollback;
 * - after the insert is committed, before END_TRANSACTION: the check-back finds the order -> commit, and
 *   the order flows on (paid, points awarded).
 * Each time the launcher starts order-service again; its producer group is what the broker asks.
 */
import type { DemoContext } from '../demo-context.js';
import type { CheckView } from '../http-api.js';
import { StepRecorder, StepResult, waitUntil } from '../step.js';

export interface CrashRecoveryFacts {
  /** Crashed after its insert: committed by the check-back, then paid. */
  committed: { orderId: string; userId: string; amount: number };
  /** Crashed before its insert: rolled back by the check-back. */
  rolledBack: { orderId: string; userId: string; amount: number };
}

export async function crashRecovery(
  ctx: DemoContext,
  title = 'order-service killed between the half message and the commit',
): Promise<StepResult<CrashRecoveryFacts>> {
  const { narrator, settings } = ctx;
  narrator.title(title);
  const step = new StepRecorder(narrator);
  const id = (name: string): string => `${ctx.runId}-crash-${name}`;
  const rolledBack = { orderId: id('before-insert'), userId: id('user-a'), amount: 35 };
  const committed = { orderId: id('after-insert'), userId: id('user-b'), amount: 70 };

  const crash = async (order: typeof committed, fault: string, when: string): Promise<boolean> => {
    narrator.say(`creating ${order.orderId}; order-service dies ${when}...`);
    const answer = await ctx.orders.create(order, fault);
    const died = await waitUntil(
      async () => (await ctx.control.status()).services.order.state === 'exited',
      settings.settleTimeoutMs,
      100,
    );
    const ok = step.check(
      `order-service died mid-request (${when})`,
      answer.status === 0 && died,
      answer.status === 0 ? answer.error : `HTTP ${answer.status}`,
    );
    const restarted = await ctx.control.start('order');
    step.check('the launcher started order-service again', restarted.services.order.state === 'running');
    return ok;
  };
  const decided = async (orderId: string, decision: CheckView['decision']): Promise<boolean> =>
    waitUntil(
      async () => ((await ctx.orders.checks(orderId)).body ?? []).some((check) => check.decision === decision),
      settings.settleTimeoutMs,
      200,
    );

  await crash(rolledBack, 'crash-before-insert', 'after the half message, before the insert');
  narrator.say('waiting for the broker to ask order-service about the open half message...');
  const rolledBackDecided = await decided(rolledBack.orderId, 'rollback');
  const gone = await ctx.orders.get(rolledBack.orderId);
  const noMessage = (await ctx.broker.messagesByKey(ctx.topic, rolledBack.orderId)).length === 0;
  step.check(
    'check-back: no such order in the database -> rollback; no order, no message',
    rolledBackDecided && gone.status === 404 && noMessage,
  );

  await crash(committed, 'crash-after-insert', 'after the insert was committed, before the commit of the message');
  narrator.say('waiting for the check-back...');
  const committedDecided = await decided(committed.orderId, 'commit');
  const delivered = await waitUntil(
    async () => (await ctx.broker.messagesByKey(ctx.topic, committed.orderId)).length === 1,
    settings.settleTimeoutMs,
    200,
  );
  const row = await ctx.orders.get(committed.orderId);
  step.check(
    'check-back: the order is in the database -> commit; its created message is delivered',
    committedDecided && delivered && row.body?.creationState === 'committed',
  );
  const paid = await ctx.orders.act(committed.orderId, 'pay');
  const awarded = await waitUntil(
    async () => (await ctx.points.points(committed.userId)).body?.points === committed.amount,
    settings.settleTimeoutMs,
    200,
  );
  step.check(
    `the recovered order goes on: paid, ${committed.amount} points awarded`,
    paid.status === 200 && awarded,
    `pay ${paid.status}`,
  );
  return step.finish(title, { committed, rolledBack });
}
