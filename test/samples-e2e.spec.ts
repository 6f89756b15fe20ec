/**
 * The samples end to end: the `npm start` launcher run from source (real broker program, order-service and
 * points-service as child processes, SQLite in a temp folder, ephemeral ports), the five demo steps run
 * against it, and after each one the final orders and balances read back and compared exactly.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Producer } from '@rocketnest/client';
import { connectDemo } from '../apps/launcher/src/demo/demo-context.js';
import type { DemoContext } from '../apps/launcher/src/demo/demo-context.js';
import { Narrator } from '../apps/launcher/src/demo/narrator.js';
import type { PointsExpectation } from '../apps/launcher/src/demo/scenarios/orders-helpers.js';
import { crashRecovery } from '../apps/launcher/src/demo/scenarios/crash-recovery.js';
import { decoupling } from '../apps/launcher/src/demo/scenarios/decoupling.js';
import { failedTransaction } from '../apps/launcher/src/demo/scenarios/failed-transaction.js';
import { orderedFlow } from '../apps/launcher/src/demo/scenarios/ordered-flow.js';
import { peakShaving } from '../apps/launcher/src/demo/scenarios/peak-shaving.js';
import type { StepResult } from '../apps/launcher/src/demo/step.js';
import { waitFor } from './support/broker.js';
import { spawnTs, stopChild, waitForLine } from './support/spawn-ts.js';

const LAUNCHER = 'apps/launcher/src/main.ts';

describe('samples: order-service + points-service under the launcher', () => {
  let dataDir: string;
  let launcher: ChildProcess;
  let output = '';
  let ctx: DemoContext;
  const pids: number[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-samples-'));
    launcher = spawnTs(LAUNCHER, [], {
      DATA_DIR: dataDir,
      NAMESRV_PORT: '0',
      BROKER_PORT: '0',
      ORDER_PORT: '0',
      POINTS_PORT: '0',
      LAUNCHER_PORT: '0',
      TRANSACTION_CHECK_INTERVAL_MS: '500',
      TRANSACTION_TIMEOUT_MS: '500',
      POINTS_MAX_CONSUME_RATE: '25',
      NO_COLOR: '1',
      LOG_LEVEL: 'warn',
    });
    const ready = waitForLine(launcher, /\[launcher\] ready control=(\S+)/, 80_000);
    // Keep reading: a full pipe would block the launcher's writes.
    launcher.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    launcher.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    const [, controlUrl] = await ready;
    ctx = await connectDemo(
      controlUrl!,
      {
        burstOrders: 60,
        users: 5,
        decouplingOrders: 20,
        orderedOrders: 24,
        httpConcurrency: 8,
        settleTimeoutMs: 30_000,
      },
      Narrator.silent(),
    );
    const status = await ctx.control.status();
    for (const service of Object.values(status.services)) if (service.pid !== undefined) pids.push(service.pid);
  }, 90_000);

  afterAll(async () => {
    await ctx?.broker.shutdown();
    if (launcher !== undefined) await stopChild(launcher, 'SIGKILL');
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  /** Every check of the step passed (the failing ones are shown otherwise), and the launcher's output on failure. */
  function expectPassed(result: StepResult<unknown>): void {
    const failed = result.checks.filter((check) => !check.ok);
    expect(failed, `${result.title} failed; launcher output:\n${output.slice(-4000)}`).toEqual([]);
  }

  async function expectBalances(expected: ReadonlyMap<string, PointsExpectation>): Promise<void> {
    for (const [userId, want] of expected) {
      const got = (await ctx.points.points(userId)).body!;
      expect({ userId, points: got.points, entries: got.entries.length }).toEqual({
        userId,
        points: want.points,
        entries: want.entries,
      });
    }
  }

  async function trackPids(): Promise<void> {
    const status = await ctx.control.status();
    for (const service of Object.values(status.services)) if (service.pid !== undefined) pids.push(service.pid);
  }

  it('peak shaving: a burst is accepted at once, the backlog waits in the broker, then every award lands', async () => {
    const result = await peakShaving(ctx);
    expectPassed(result);
    const { orders, expected, peakLag } = result.facts;
    expect(orders).toHaveLength(60);
    expect(peakLag).toBeGreaterThan(0);
    await expectBalances(expected);
    for (const order of orders) expect((await ctx.orders.get(order.orderId)).body?.status).toBe('paid');
  }, 60_000);

  it('decoupling: orders succeed while points-service is down; after its restart it applies every award once', async () => {
    const result = await decoupling(ctx);
    await trackPids();
    expectPassed(result);
    const { orders, expected, lagWhileDown } = result.facts;
    expect(orders.every((order) => order.ok)).toBe(true);
    expect(lagWhileDown).toBeGreaterThanOrEqual(20);
    await expectBalances(expected);
  }, 60_000);

  it('a failed local transaction leaves no order, no message and no points', async () => {
    const result = await failedTransaction(ctx);
    expectPassed(result);
    const { existing, usersWithoutPoints, missingOrderId, barrier } = result.facts;
    const kept = (await ctx.orders.get(existing.orderId)).body!;
    expect({ userId: kept.userId, amount: kept.amount, status: kept.status, version: kept.version }).toEqual({
      userId: existing.userId,
      amount: existing.amount,
      status: 'created',
      version: 1,
    });
    expect(await ctx.broker.messagesByKey(ctx.topic, existing.orderId)).toHaveLength(1);
    expect((await ctx.orders.get(missingOrderId)).status).toBe(404);
    expect(await ctx.broker.messagesByKey(ctx.topic, missingOrderId)).toHaveLength(0);
    for (const userId of usersWithoutPoints)
      expect((await ctx.points.points(userId)).body).toEqual({ userId, points: 0, entries: [] });
    expect((await ctx.points.points(barrier.userId)).body?.points).toBe(barrier.amount);
  }, 60_000);

  it('a crash between the half message and the commit is settled by the check-back from the database', async () => {
    const result = await crashRecovery(ctx);
    await trackPids();
    expectPassed(result);
    const { committed, rolledBack } = result.facts;
    const order = (await ctx.orders.get(committed.orderId)).body!;
    expect({ status: order.status, creationState: order.creationState, amount: order.amount }).toEqual({
      status: 'paid',
      creationState: 'committed',
      amount: committed.amount,
    });
    expect(((await ctx.orders.checks(committed.orderId)).body ?? []).map((check) => check.decision)).toContain(
      'commit',
    );
    expect((await ctx.points.points(committed.userId)).body?.points).toBe(committed.amount);
    expect((await ctx.orders.get(rolledBack.orderId)).status).toBe(404);
    const decisions = ((await ctx.orders.checks(rolledBack.orderId)).body ?? []).map((check) => check.decision);
    expect(decisions).toContain('rollback');
    expect(decisions).not.toContain('commit');
    expect(await ctx.broker.messagesByKey(ctx.topic, rolledBack.orderId)).toHaveLength(0);
    expect((await ctx.points.points(rolledBack.userId)).body).toEqual({
      userId: rolledBack.userId,
      points: 0,
      entries: [],
    });
  }, 90_000);

  it('ordered flow: a subscriber sees each order created -> paid -> shipped -> completed/refunded', async () => {
    const result = await orderedFlow(ctx);
    expectPassed(result);
    const { orders, expected, observed } = result.facts;
    expect(orders).toHaveLength(24);
    for (const order of orders) {
      expect(observed.get(order.orderId)).toEqual([...order.statuses]);
      expect((await ctx.orders.get(order.orderId)).body?.status).toBe(order.statuses.at(-1));
    }
    await expectBalances(expected);
  }, 60_000);

  it('points-service skips re-sent paid and refunded messages: balances do not move', async () => {
    const userId = `${ctx.runId}-dup-user`;
    const created = (await ctx.orders.create({ userId, amount: 30 })).body!;
    expect((await ctx.orders.act(created.orderId, 'pay')).status).toBe(200);
    await waitFor(async () => (await ctx.points.points(userId)).body?.points === 30, 20_000, 100);
    const before = (await ctx.points.stats()).body!.duplicatesSkipped;
    const producer = new Producer({ namesrvAddr: ctx.broker.namesrvAddr, group: `${ctx.runId}-replayer` });
    await producer.start();
    try {
      for (let i = 0; i < 3; i++) {
        await producer.send(
          {
            topic: ctx.topic,
            tags: 'paid',
            keys: [created.orderId],
            body: Buffer.from(JSON.stringify({ ...created, status: 'paid', version: 2 })),
            properties: { 'content-type': 'application/json' },
          },
          { shardingKey: created.orderId },
        );
      }
    } finally {
      await producer.shutdown();
    }
    await waitFor(async () => (await ctx.points.stats()).body!.duplicatesSkipped >= before + 3, 20_000, 100);
    const after = (await ctx.points.points(userId)).body!;
    expect({ points: after.points, entries: after.entries.length }).toEqual({ points: 30, entries: 1 });
  }, 60_000);

  it('the HTTP API refuses what the order status does not allow', async () => {
    const userId = `${ctx.runId}-api-user`;
    const order = (await ctx.orders.create({ userId, amount: 5 })).body!;
    expect(order).toMatchObject({ status: 'created', version: 1, creationState: 'committed' });
    expect((await ctx.orders.act(order.orderId, 'ship')).status).toBe(409);
    expect((await ctx.orders.act(order.orderId, 'complete')).status).toBe(409);
    expect((await ctx.orders.act(order.orderId, 'pay')).status).toBe(200);
    expect((await ctx.orders.act(order.orderId, 'pay')).status).toBe(409);
    expect((await ctx.orders.act('no-such-order', 'pay')).status).toBe(404);
    expect((await ctx.orders.create({ userId, amount: 0 })).status).toBe(400);
    expect((await ctx.orders.create({ userId, amount: 5 }, 'explode')).status).toBe(400);
    const history = (await ctx.orders.get(order.orderId)).body!.history.map((entry) => entry.status);
    expect(history).toEqual(['created', 'paid']);
  }, 30_000);

  it('stops the services, then the broker, on SIGINT and exits 0', async () => {
    const code = await stopChild(launcher, 'SIGINT', 45_000);
    expect(code).toBe(0);
    expect(output).toContain('order-service stopped');
    expect(output).toContain('points-service stopped');
    expect(output).toMatch(/\[launcher\] all stopped/);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});
