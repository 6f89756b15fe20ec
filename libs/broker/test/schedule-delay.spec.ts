import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { TestContext, describe, expect, it } from 'vitest';
import { BrokerOptions } from '@rocketnest/broker';
import {
  MessageConst,
  MessageExt,
  RequestCode,
  ResponseCode,
  SCHEDULE_TOPIC,
  TRANS_HALF_TOPIC,
  decodeSendMessageResponseHeader,
  encodeProperties,
} from '@rocketnest/protocol';
import { BrokerFixture, sendHeaderV2, startBrokerFixture } from './support/broker-fixture.js';
import { maxOffset, queueMessages } from './support/interop-frame.js';
import { waitFor } from './support/wait-for.js';

const LEVELS = '1s 2s 3s';

/** A broker of its own per test (the tests wait on delays: they run concurrently). */
interface DelayBroker {
  readonly f: BrokerFixture;
  sendDelayed(topic: string, queueId: number, level: number, body: string): Promise<void>;
  deliveredTo(topic: string, queueId: number, count: number): Promise<MessageExt[]>;
  /** The offsetTable of delayOffset.json, or undefined before its first write. */
  savedOffsets(): Promise<Record<string, number> | undefined>;
  delayOffsetFile(): string;
}

async function delayBroker(context: TestContext, options: BrokerOptions = {}): Promise<DelayBroker> {
  const f = await startBrokerFixture({ messageDelayLevel: LEVELS, ...options });
  // Concurrent tests must use their own context's hooks.
  context.onTestFinished(() => f.close());
  const delayOffsetFile = (): string => path.join(f.dataDir, 'config', 'delayOffset.json');
  return {
    f,
    delayOffsetFile,
    async sendDelayed(topic, queueId, level, body) {
      const response = await f.invoke(
        RequestCode.SEND_MESSAGE_V2,
        sendHeaderV2(topic, queueId, { DELAY: String(level), TAGS: 't' }),
        Buffer.from(body),
      );
      expect(response.code).toBe(ResponseCode.SUCCESS);
      // The producer sees its own queue; the offset is the one in SCHEDULE_TOPIC_XXXX (5.2).
      expect(decodeSendMessageResponseHeader(response.extFields).queueId).toBe(queueId);
    },
    async deliveredTo(topic, queueId, count) {
      await waitFor(() => f.broker.store.getMaxOffsetInQueue(topic, queueId) >= count, 6000);
      return queueMessages(f, topic, queueId);
    },
    async savedOffsets() {
      let text: string;
      try {
        text = await readFile(delayOffsetFile(), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      return (JSON.parse(text) as { offsetTable: Record<string, number> }).offsetTable;
    },
  };
}

describe.concurrent('ScheduleMessageService', () => {
  it('delivers a message to its real queue once its level is due, as a new record with the same UNIQ_KEY', async (context) => {
    const { f, sendDelayed, deliveredTo } = await delayBroker(context);
    await sendDelayed('later', 1, 1, 'in a second');
    const [parked] = await queueMessages(f, SCHEDULE_TOPIC, 0);
    expect(parked!.properties).toMatchObject({ DELAY: '1', REAL_TOPIC: 'later', REAL_QID: '1' });
    expect(await maxOffset(f, 'later', 1)).toBe(0);

    const [delivered] = await deliveredTo('later', 1, 1);
    expect(delivered!.storeTimestamp).toBeGreaterThanOrEqual(parked!.storeTimestamp + 1000);
    expect(delivered!.body.toString()).toBe('in a second');
    expect(delivered!.queueId).toBe(1);
    expect(delivered!.properties[MessageConst.DELAY]).toBeUndefined();
    expect(delivered!.properties[MessageConst.UNIQ_KEY]).toBe(parked!.properties[MessageConst.UNIQ_KEY]);
    expect(delivered!.properties[MessageConst.TAGS]).toBe('t');
    expect(delivered!.offsetMsgId).not.toBe(parked!.offsetMsgId);
    expect(f.broker.schedule.offsetOf(1)).toBe(1);
  });

  it('keeps send order within a level and lets a shorter level overtake a longer one', async (context) => {
    const { f, sendDelayed, deliveredTo } = await delayBroker(context);
    await sendDelayed('fifo', 0, 2, 'slow');
    for (const body of ['a1', 'a2', 'a3', 'a4']) await sendDelayed('fifo', 0, 1, body);
    const delivered = await deliveredTo('fifo', 0, 5);
    expect(delivered.map((m) => m.body.toString())).toEqual(['a1', 'a2', 'a3', 'a4', 'slow']);
    const [slow] = await queueMessages(f, SCHEDULE_TOPIC, 1);
    expect(delivered[4]!.storeTimestamp).toBeGreaterThanOrEqual(slow!.storeTimestamp + 2000);
  });

  it('clamps a level above the table to the last one', async (context) => {
    const { f, sendDelayed } = await delayBroker(context);
    await sendDelayed('clamped', 0, 9, 'x');
    const [parked] = await queueMessages(f, SCHEDULE_TOPIC, 2);
    expect(parked!.properties[MessageConst.DELAY]).toBe('3');
  });

  it('drops a parked message whose real topic is the half topic and goes on', async (context) => {
    const { f, sendDelayed, deliveredTo } = await delayBroker(context);
    const addr = f.addr;
    await f.broker.store.putMessage({
      topic: SCHEDULE_TOPIC,
      queueId: 0,
      flag: 0,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      bornHost: addr,
      storeHost: addr,
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
      body: Buffer.from('half'),
      properties: encodeProperties({ DELAY: '1', REAL_TOPIC: TRANS_HALF_TOPIC, REAL_QID: '0' }),
    });
    await sendDelayed('after-half', 0, 1, 'next');
    await deliveredTo('after-half', 0, 1);
    expect(f.broker.schedule.offsetOf(1)).toBe(2);
    expect(await maxOffset(f, TRANS_HALF_TOPIC, 0)).toBe(0);
  });

  it('resumes from delayOffset.json after a restart without losing or repeating a delivery', async (context) => {
    const { f, sendDelayed, deliveredTo, savedOffsets } = await delayBroker(context);
    await sendDelayed('restart', 0, 1, 'before-1');
    await sendDelayed('restart', 0, 1, 'before-2');
    await deliveredTo('restart', 0, 2);
    await sendDelayed('restart', 0, 1, 'pending-1');
    await sendDelayed('restart', 0, 1, 'pending-2');
    await f.stopBroker();
    // Written at shutdown: the two delivered ones for sure, the pending ones if they were due already.
    expect((await savedOffsets())?.['1']).toBeGreaterThanOrEqual(2);

    await f.restart();
    await waitFor(() => f.broker.schedule.offsetOf(1) === 4, 6000);
    await sendDelayed('restart', 0, 1, 'after');
    await waitFor(() => f.broker.schedule.offsetOf(1) === 5, 6000);
    const all = await queueMessages(f, 'restart', 0);
    expect(all.map((m) => m.body.toString())).toEqual(['before-1', 'before-2', 'pending-1', 'pending-2', 'after']);
  });

  it('clamps persisted offsets into the queue range on load', async (context) => {
    const { f, sendDelayed, deliveredTo, delayOffsetFile } = await delayBroker(context);
    await sendDelayed('range', 0, 1, 'first');
    await deliveredTo('range', 0, 1);
    await f.stopBroker();
    await writeFile(delayOffsetFile(), JSON.stringify({ offsetTable: { 1: 99, 2: -5 } }));
    await f.restart();
    await sendDelayed('range', 0, 1, 'second');
    await sendDelayed('range', 0, 2, 'third');
    const delivered = await deliveredTo('range', 0, 3);
    expect(delivered.map((m) => m.body.toString())).toEqual(['first', 'second', 'third']);
    expect(f.broker.schedule.offsetOf(1)).toBe(2);
  });

  it('writes its progress every flushDelayOffsetIntervalMs while running', async (context) => {
    const { sendDelayed, deliveredTo, savedOffsets } = await delayBroker(context, { flushDelayOffsetIntervalMs: 100 });
    await sendDelayed('flushed', 0, 1, 'x');
    await deliveredTo('flushed', 0, 1);
    await waitFor(async () => (await savedOffsets())?.['1'] === 1, 3000);
  });
});
