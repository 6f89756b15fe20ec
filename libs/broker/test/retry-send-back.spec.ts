import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MessageConst,
  MessageExt,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  SCHEDULE_TOPIC,
  createSubscriptionGroupConfig,
  decodeSendMessageResponseHeader,
  decodeOffsetMsgId,
  dlqTopic,
  retryTopic,
} from '@rocketnest/protocol';
import { BrokerFixture, sendHeaderV2, startBrokerFixture } from './support/broker-fixture.js';
import { capturedFrame, maxOffset, queueMessages, replay } from './support/interop-frame.js';
import { waitFor } from './support/wait-for.js';

const GROUP = 'CG_orders';
const RETRY = retryTopic(GROUP);
const DLQ = dlqTopic(GROUP);

describe('SendBackProcessor (CONSUMER_SEND_MSG_BACK)', () => {
  let f: BrokerFixture;
  let frame: RemotingCommand;

  beforeEach(async () => {
    frame = await capturedFrame('consumer-send-msg-back.request');
    // Every level is 1 s so a retry (level 3 + reconsumeTimes) comes back quickly.
    f = await startBrokerFixture({ messageDelayLevel: '1s 1s 1s 1s 1s 1s' });
  });
  afterEach(async () => {
    await f.close();
  });

  /** Stores one business message and returns its physical offset and offset message id. */
  async function sendOriginal(topic = 'orders', properties: Record<string, string> = {}): Promise<MessageExt> {
    const sent = await f.invoke(
      RequestCode.SEND_MESSAGE_V2,
      sendHeaderV2(topic, 0, { TAGS: 'paid', KEYS: 'o-1', ...properties }),
      Buffer.from('order 1'),
    );
    expect(sent.code).toBe(ResponseCode.SUCCESS);
    const { msgId } = decodeSendMessageResponseHeader(sent.extFields);
    const stored = await f.broker.store.lookMessageByOffset(decodeOffsetMsgId(msgId!).physicalOffset);
    return stored!;
  }

  function sendBack(message: MessageExt, patch: Record<string, string> = {}): Promise<RemotingCommand> {
    return f.client.invoke(
      f.addr,
      replay(frame, {
        offset: String(message.commitLogOffset),
        group: GROUP,
        originTopic: message.topic,
        originMsgId: message.properties[MessageConst.UNIQ_KEY] ?? message.offsetMsgId,
        ...patch,
      }),
    );
  }

  async function delivered(topic: string, count: number): Promise<MessageExt[]> {
    await waitFor(() => f.broker.store.getMaxOffsetInQueue(topic, 0) >= count, 5000);
    return queueMessages(f, topic, 0);
  }

  it('answers the captured Java request with a bare SUCCESS and parks the copy at level 3 + reconsumeTimes', async () => {
    const original = await sendOriginal();
    const response = await sendBack(original);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.remark).toBeNull();
    expect(f.broker.topicConfigs.get(RETRY)).toMatchObject({ readQueueNums: 1, writeQueueNums: 1, perm: 6 });

    const [parked] = await queueMessages(f, SCHEDULE_TOPIC, 2);
    expect(parked).toBeDefined();
    expect(parked!.properties).toMatchObject({
      DELAY: '3',
      REAL_TOPIC: RETRY,
      REAL_QID: '0',
      RETRY_TOPIC: 'orders',
      ORIGIN_MESSAGE_ID: original.offsetMsgId,
      UNIQ_KEY: original.properties[MessageConst.UNIQ_KEY],
      TAGS: 'paid',
      KEYS: 'o-1',
    });
    expect(parked!.properties[MessageConst.WAIT]).toBeUndefined();
    expect(parked!.reconsumeTimes).toBe(1);
    expect(parked!.body.toString()).toBe('order 1');
    expect(parked!.bornTimestamp).toBe(original.bornTimestamp);
  });

  it('brings the retry copy back to %RETRY% after its delay, then a second failure keeps the first origin', async () => {
    const original = await sendOriginal();
    expect((await sendBack(original)).code).toBe(ResponseCode.SUCCESS);
    const [scheduled] = await queueMessages(f, SCHEDULE_TOPIC, 2);
    const [retried] = await delivered(RETRY, 1);
    expect(retried!.storeTimestamp).toBeGreaterThanOrEqual(scheduled!.storeTimestamp + 1000);
    expect(retried!.topic).toBe(RETRY);
    expect(retried!.reconsumeTimes).toBe(1);
    expect(retried!.properties[MessageConst.DELAY]).toBeUndefined();
    expect(retried!.properties[MessageConst.UNIQ_KEY]).toBe(original.properties[MessageConst.UNIQ_KEY]);

    expect((await sendBack(retried!)).code).toBe(ResponseCode.SUCCESS);
    const [again] = await queueMessages(f, SCHEDULE_TOPIC, 3);
    expect(again!.properties).toMatchObject({
      DELAY: '4',
      RETRY_TOPIC: 'orders',
      ORIGIN_MESSAGE_ID: original.offsetMsgId,
    });
    expect(again!.reconsumeTimes).toBe(2);
    const back = await delivered(RETRY, 2);
    expect(back[1]!.reconsumeTimes).toBe(2);
  });

  it('uses the delay level the consumer asks for, clamped to the last level', async () => {
    const original = await sendOriginal();
    expect((await sendBack(original, { delayLevel: '2' })).code).toBe(ResponseCode.SUCCESS);
    expect((await queueMessages(f, SCHEDULE_TOPIC, 1))[0]!.properties[MessageConst.DELAY]).toBe('2');
    expect((await sendBack(original, { delayLevel: '40' })).code).toBe(ResponseCode.SUCCESS);
    expect((await queueMessages(f, SCHEDULE_TOPIC, 5))[0]!.properties[MessageConst.DELAY]).toBe('6');
  });

  it('sends a message that used up its reconsume times to %DLQ% queue 0, undelayed', async () => {
    const original = await sendOriginal();
    expect((await sendBack(original)).code).toBe(ResponseCode.SUCCESS);
    const [retried] = await delivered(RETRY, 1);
    expect((await sendBack(retried!, { maxReconsumeTimes: '1' })).code).toBe(ResponseCode.SUCCESS);

    expect(f.broker.topicConfigs.get(DLQ)).toMatchObject({ readQueueNums: 1, writeQueueNums: 1, perm: 6 });
    const [dead] = await queueMessages(f, DLQ, 0);
    expect(dead!.reconsumeTimes).toBe(2);
    expect(dead!.properties).toMatchObject({ RETRY_TOPIC: 'orders', ORIGIN_MESSAGE_ID: original.offsetMsgId });
    expect(dead!.properties[MessageConst.DELAY]).toBeUndefined();
  });

  it('sends to %DLQ% at once for delay level -1', async () => {
    const original = await sendOriginal();
    expect((await sendBack(original, { delayLevel: '-1' })).code).toBe(ResponseCode.SUCCESS);
    const [dead] = await queueMessages(f, DLQ, 0);
    expect(dead!.body.toString()).toBe('order 1');
    expect(dead!.reconsumeTimes).toBe(1);
    expect(await maxOffset(f, SCHEDULE_TOPIC, 2)).toBe(0);
  });

  it("takes the group's retryMaxTimes when the request has no maxReconsumeTimes", async () => {
    f.broker.subscriptionGroups.upsert(createSubscriptionGroupConfig(GROUP, { retryMaxTimes: 0 }));
    const original = await sendOriginal();
    const request = replay(frame, { offset: String(original.commitLogOffset), group: GROUP });
    delete request.extFields!['maxReconsumeTimes'];
    expect((await f.client.invoke(f.addr, request)).code).toBe(ResponseCode.SUCCESS);
    expect(await maxOffset(f, DLQ, 0)).toBe(1);
  });

  it('drops the message with SUCCESS when the group has no retry queues', async () => {
    f.broker.subscriptionGroups.upsert(createSubscriptionGroupConfig(GROUP, { retryQueueNums: 0 }));
    const original = await sendOriginal();
    expect((await sendBack(original)).code).toBe(ResponseCode.SUCCESS);
    expect(f.broker.topicConfigs.get(RETRY)).toBeUndefined();
    expect(await maxOffset(f, SCHEDULE_TOPIC, 2)).toBe(0);
  });

  it('answers errors for an unknown offset and missing fields, and keeps serving', async () => {
    const original = await sendOriginal();
    const unknown = await sendBack(original, { offset: String(original.commitLogOffset + 3) });
    expect(unknown.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(unknown.remark).toContain('look message by offset failed');
    const beyond = await sendBack(original, { offset: '999999999' });
    expect(beyond.code).toBe(ResponseCode.SYSTEM_ERROR);

    const noOffset = replay(frame, { group: GROUP });
    delete noOffset.extFields!['offset'];
    const missing = await f.client.invoke(f.addr, noOffset);
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toContain('offset');

    expect((await sendBack(original)).code).toBe(ResponseCode.SUCCESS);
  });

  it('answers SUBSCRIPTION_GROUP_NOT_EXIST for an unknown group when groups are not auto-created', async () => {
    await f.close();
    f = await startBrokerFixture({ autoCreateSubscriptionGroup: false });
    const original = await sendOriginal();
    const response = await sendBack(original);
    expect(response.code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    expect(response.remark).toContain(GROUP);
    expect(f.broker.topicConfigs.get(RETRY)).toBeUndefined();
  });
});
