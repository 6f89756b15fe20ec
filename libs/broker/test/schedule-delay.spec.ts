import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('ScheduleMessageService', () => {
  let f: BrokerFixture;

  beforeEach(async () => {
    f = await startBrokerFixture({ messageDelayLevel: LEVELS });
  });
  afterEach(async () => {
    await f.close();
  });

  async function sendDelayed(topic: string, queueId: number, level: number, body: string): Promise<void> {
    const response = await f.invoke(
      RequestCode.SEND_MESSAGE_V2,
      sendHeaderV2(topic, queueId, { DELAY: String(level), TAGS: 't' }),
      Buffer.from(body),
    );
    expect(response.code).toBe(ResponseCode.SUCCESS);
    // The producer sees its own queue; the offset is the one in SCHEDULE_TOPIC_XXXX (5.2).
    expect(decodeSendMessageResponseHeader(response.extFields).queueId).toBe(queueId);
  }

  async function deliveredTo(topic: string, queueId: number, count: number, timeoutMs = 6000): Promise<MessageExt[]> {
    await waitFor(() => f.broker.store.getMaxOffsetInQueue(topic, queueId) >= count, timeoutMs);
    return queueMessages(f, topic, queueId);
  }

  const delayOffsetFile = (): string => path.join(f.dataDir, 'config', 'delayOffset.json');

  /** The offsetTable of delayOffset.json, or undefined before its first write. */
  async function savedOffsets(): Promise<Record<string, number> | undefined> {
    let text: string;
    try {
      text = await readFile(delayOffsetFile(), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return (JSON.parse(text) as { offsetTable: Record<string, number> }).offsetTable;
  }

  it('delivers a message to its real queue once its level is due, as a new record with the same UNIQ_KEY', async () => {
    await sendDelayed('later', 1, 2, 'in two seconds');
    const [parked] = await queueMessages(f, SCHEDULE_TOPIC, 1);
    expect(parked!.properties).toMatchObject({ DELAY: '2', REAL_TOPIC: 'later', REAL_QID: '1' });
    expect(await maxOffset(f, 'later', 1)).toBe(0);

    const [delivered] = await deliveredTo('later', 1, 1);
    expect(delivered!.storeTimestamp).toBeGreaterThanOrEqual(parked!.storeTimestamp + 2000);
    expect(delivered!.body.toString()).toBe('in two seconds');
    expect(delivered!.queueId).toBe(1);
    expect(delivered!.properties[MessageConst.DELAY]).toBeUndefined();
    expect(delivered!.properties[MessageConst.UNIQ_KEY]).toBe(parked!.properties[MessageConst.UNIQ_KEY]);
    expect(delivered!.properties[MessageConst.TAGS]).toBe('t');
    expect(delivered!.offsetMsgId).not.toBe(parked!.offsetMsgId);
    expect(f.broker.schedule.offsetOf(2)).toBe(1);
  });

  it('keeps send order within a level and lets a shorter level overtake a longer one', async () => {
    await sendDelayed('fifo', 0, 2, 'slow');
    for (const body of ['a1', 'a2', 'a3', 'a4']) await sendDelayed('fifo', 0, 1, body);
    const delivered = await deliveredTo('fifo', 0, 5);
    expect(delivered.map((m) => m.body.toString())).toEqual(['a1', 'a2', 'a3', 'a4', 'slow']);
  });

  it('clamps a level above the table to the last one', async () => {
    await sendDelayed('clamped', 0, 9, 'x');
    const [parked] = await queueMessages(f, SCHEDULE_TOPIC, 2);
    expect(parked!.properties[MessageConst.DELAY]).toBe('3');
  });

  it('drops a parked message whose real topic is the half topic and goes on', async () => {
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

  it('resumes from delayOffset.json after a restart without losing or repeating a delivery', async () => {
    await sendDelayed('restart', 0, 1, 'before-1');
    await sendDelayed('restart', 0, 1, 'before-2');
    await deliveredTo('restart', 0, 2);
    await sendDelayed('restart', 0, 2, 'pending-1');
    await sendDelayed('restart', 0, 2, 'pending-2');
    await f.stopBroker();
    const saved = await savedOffsets();
    expect(saved?.['1']).toBe(2);
    expect(saved?.['2']).toBeLessThanOrEqual(2);

    await f.restart();
    await waitFor(() => f.broker.schedule.offsetOf(2) === 2, 6000);
    await sendDelayed('restart', 0, 1, 'after');
    await waitFor(() => f.broker.schedule.offsetOf(1) === 3, 6000);
    const all = await queueMessages(f, 'restart', 0);
    expect(all.map((m) => m.body.toString()).sort()).toEqual([
      'after',
      'before-1',
      'before-2',
      'pending-1',
      'pending-2',
    ]);
  });

  it('clamps persisted offsets into the queue range on load', async () => {
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

  it('writes its progress every flushDelayOffsetIntervalMs while running', async () => {
    await f.close();
    f = await startBrokerFixture({ messageDelayLevel: LEVELS, flushDelayOffsetIntervalMs: 100 });
    await sendDelayed('flushed', 0, 1, 'x');
    await deliveredTo('flushed', 0, 1);
    await waitFor(async () => (await savedOffsets())?.['1'] === 1, 3000);
  });
});
