import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerOptions } from '@rocketnest/broker';
import {
  CHECK_TRANSACTION_STATE_REQUEST_HEADER,
  MessageConst,
  MessageExt,
  MessageSysFlag,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  TRANS_CHECK_GROUP,
  TRANS_CHECK_MAX_TIME_TOPIC,
  TRANS_HALF_TOPIC,
  TRANS_OP_HALF_TOPIC,
  createOffsetMsgId,
  createRequest,
  decodeOffsetMsgId,
  decodeSendMessageResponseHeader,
  decodeStoredMessage,
  encodeProperties,
  encodeSendMessageRequestHeaderV2,
} from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';
import { BrokerFixture, sendHeaderV2, startBrokerFixture } from './support/broker-fixture.js';
import {
  capturedFrame,
  extraClient,
  maxOffset,
  producerHeartbeat,
  queueMessages,
  replay,
} from './support/interop-frame.js';
import { waitFor } from './support/wait-for.js';

const PG = 'PG_orders';
const TOPIC = 'orders-tx';

interface Half {
  commitLogOffset: number;
  queueOffset: number;
  uniqKey: string;
}

interface Frames {
  commit: RemotingCommand;
  rollback: RemotingCommand;
  unknown: RemotingCommand;
  fromCheck: RemotingCommand;
  check: RemotingCommand;
}

async function loadFrames(): Promise<Frames> {
  return {
    commit: await capturedFrame('end-transaction.commit.request'),
    rollback: await capturedFrame('end-transaction.rollback.request'),
    unknown: await capturedFrame('end-transaction.unknown.request'),
    fromCheck: await capturedFrame('end-transaction.from-check.request'),
    check: await capturedFrame('check-transaction-state.request'),
  };
}

/** Sends a half message as a Java transactional producer does (6.1). */
async function sendHalf(f: BrokerFixture, body: string, queueId = 1): Promise<Half> {
  const header = encodeSendMessageRequestHeaderV2({
    producerGroup: PG,
    topic: TOPIC,
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId,
    sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
    bornTimestamp: Date.now(),
    flag: 0,
    properties: encodeProperties({ TRAN_MSG: 'true', PGROUP: PG, TAGS: 'tx', KEYS: body }),
  });
  const response = await f.invoke(RequestCode.SEND_MESSAGE_V2, header, Buffer.from(body));
  expect(response.code).toBe(ResponseCode.SUCCESS);
  const sent = decodeSendMessageResponseHeader(response.extFields);
  return {
    commitLogOffset: decodeOffsetMsgId(sent.msgId!).physicalOffset,
    queueOffset: sent.queueOffset!,
    uniqKey: sent.transactionId!,
  };
}

/** END_TRANSACTION for `half` from a captured Java frame (oneway unless `sync`). */
function endTransaction(
  frame: RemotingCommand,
  half: Half,
  sync = false,
  patch: Record<string, string> = {},
): RemotingCommand {
  const request = replay(frame, {
    producerGroup: PG,
    topic: TOPIC,
    commitLogOffset: String(half.commitLogOffset),
    tranStateTableOffset: String(half.queueOffset),
    msgId: half.uniqKey,
    transactionId: half.uniqKey,
    ...patch,
  });
  return sync ? { ...request, flag: 0 } : request;
}

async function realMessages(f: BrokerFixture, queueId = 1): Promise<MessageExt[]> {
  return queueMessages(f, TOPIC, queueId);
}

describe('EndTransactionProcessor (END_TRANSACTION)', () => {
  let f: BrokerFixture;
  let frames: Frames;

  beforeEach(async () => {
    frames = await loadFrames();
    f = await startBrokerFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it('keeps a half message invisible, then commits it from the captured oneway Java frame', async () => {
    const half = await sendHalf(f, 'order-1');
    expect(half.queueOffset).toBe(0);
    const [stored] = await queueMessages(f, TRANS_HALF_TOPIC, 0);
    expect(stored!.properties).toMatchObject({ REAL_TOPIC: TOPIC, REAL_QID: '1', PGROUP: PG, TRAN_MSG: 'true' });
    expect(stored!.sysFlag & MessageSysFlag.TRANSACTION_TYPE_MASK).toBe(MessageSysFlag.TRANSACTION_NOT_TYPE);
    expect(await maxOffset(f, TOPIC, 1)).toBe(0);

    await f.client.invokeOneway(f.addr, endTransaction(frames.commit, half));
    await waitFor(() => f.broker.store.getMaxOffsetInQueue(TOPIC, 1) === 1);
    const [real] = await realMessages(f);
    expect(real!.body.toString()).toBe('order-1');
    expect(real!.sysFlag & MessageSysFlag.TRANSACTION_TYPE_MASK).toBe(MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    expect(real!.preparedTransactionOffset).toBe(half.commitLogOffset);
    expect(real!.properties).toMatchObject({ UNIQ_KEY: half.uniqKey, PGROUP: PG, TAGS: 'tx', KEYS: 'order-1' });
    for (const gone of [MessageConst.REAL_TOPIC, MessageConst.REAL_QID, MessageConst.TRAN_MSG])
      expect(real!.properties[gone]).toBeUndefined();

    await waitFor(() => f.broker.store.getMaxOffsetInQueue(TRANS_OP_HALF_TOPIC, 0) === 1);
    const [op] = await queueMessages(f, TRANS_OP_HALF_TOPIC, 0);
    expect(op!.properties[MessageConst.TAGS]).toBe('d');
    expect(op!.body.toString()).toBe('0');
  });

  it('leaves nothing but an op record on rollback', async () => {
    const half = await sendHalf(f, 'order-2');
    await f.client.invokeOneway(f.addr, endTransaction(frames.rollback, half));
    await waitFor(() => f.broker.store.getMaxOffsetInQueue(TRANS_OP_HALF_TOPIC, 0) === 1);
    expect((await queueMessages(f, TRANS_OP_HALF_TOPIC, 0))[0]!.body.toString()).toBe('0');
    expect(await maxOffset(f, TOPIC, 1)).toBe(0);
    // A commit after the rollback changes nothing.
    expect((await f.client.invoke(f.addr, endTransaction(frames.commit, half, true))).code).toBe(0);
    expect(await maxOffset(f, TOPIC, 1)).toBe(0);
  });

  it('does nothing and answers nothing for an unknown outcome', async () => {
    const half = await sendHalf(f, 'order-3');
    await f.client.invokeOneway(f.addr, endTransaction(frames.unknown, half));
    const after = await f.client.invoke(f.addr, endTransaction(frames.commit, half, true, { producerGroup: 'x' }));
    expect(after.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(await maxOffset(f, TRANS_OP_HALF_TOPIC, 0)).toBe(0);
    expect(await maxOffset(f, TOPIC, 1)).toBe(0);
  });

  it('answers SUCCESS to a synchronous commit and commits a duplicate only once', async () => {
    const half = await sendHalf(f, 'order-4');
    for (let i = 0; i < 3; i++) {
      const response = await f.client.invoke(f.addr, endTransaction(frames.commit, half, true));
      expect(response.code).toBe(ResponseCode.SUCCESS);
    }
    expect(await realMessages(f)).toHaveLength(1);
    expect(await maxOffset(f, TRANS_OP_HALF_TOPIC, 0)).toBe(1);
  });

  it('rejects mismatching or missing fields with SYSTEM_ERROR and still commits afterwards', async () => {
    const half = await sendHalf(f, 'order-5');
    const plain = await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2(TOPIC, 0), Buffer.from('plain'));
    const plainOffset = decodeOffsetMsgId(plain.extFields!['msgId']!).physicalOffset;
    const cases: Array<[Record<string, string>, string]> = [
      [{ producerGroup: 'PG_other' }, 'The producer group wrong'],
      [{ tranStateTableOffset: '7' }, 'The transaction state table offset wrong'],
      [{ commitLogOffset: String(plainOffset) }, 'Find prepared transaction message failed'],
      [{ commitLogOffset: '987654321' }, 'Find prepared transaction message failed'],
      [{ commitLogOffset: String(half.commitLogOffset + 1) }, 'Find prepared transaction message failed'],
      [{ commitOrRollback: '5' }, 'illegal commitOrRollback 5'],
    ];
    for (const [patch, remark] of cases) {
      const response = await f.client.invoke(f.addr, endTransaction(frames.commit, half, true, patch));
      expect(response.code, remark).toBe(ResponseCode.SYSTEM_ERROR);
      expect(response.remark).toBe(remark);
    }
    const noGroup = endTransaction(frames.commit, half, true);
    delete noGroup.extFields!['producerGroup'];
    const missing = await f.client.invoke(f.addr, noGroup);
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toContain('producerGroup');

    expect(await maxOffset(f, TOPIC, 1)).toBe(0);
    expect((await f.client.invoke(f.addr, endTransaction(frames.commit, half, true))).code).toBe(0);
    expect(await realMessages(f)).toHaveLength(1);
  });

  it('commits a half message stored before a restart, once', async () => {
    const half = await sendHalf(f, 'order-6');
    const other = await sendHalf(f, 'order-7');
    expect((await f.client.invoke(f.addr, endTransaction(frames.commit, other, true))).code).toBe(0);
    await f.stopBroker();
    await f.restart();
    expect((await f.client.invoke(f.addr, endTransaction(frames.commit, half, true))).code).toBe(0);
    // The op record written before the restart still counts.
    expect((await f.client.invoke(f.addr, endTransaction(frames.commit, other, true))).code).toBe(0);
    expect((await realMessages(f)).map((m) => m.body.toString())).toEqual(['order-7', 'order-6']);
  });
});

describe('TransactionCheckService (CHECK_TRANSACTION_STATE)', () => {
  let f: BrokerFixture;
  let frames: Frames;
  const clients: RemotingClient[] = [];
  const checkOptions: BrokerOptions = {
    transactionCheckIntervalMs: 100,
    transactionTimeoutMs: 200,
    transactionCheckMax: 15,
  };

  beforeEach(async () => {
    frames = await loadFrames();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.shutdown();
    await f.close();
  });

  /** A raw producer connection of `group` that records the checks it gets (and answers nothing). */
  async function producer(
    group: string,
    clientId: string,
  ): Promise<{ client: RemotingClient; checks: RemotingCommand[] }> {
    const client = extraClient(clients);
    const checks: RemotingCommand[] = [];
    client.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (request) => {
      checks.push(request);
      return null;
    });
    const response = await client.invoke(
      f.addr,
      createRequest(RequestCode.HEART_BEAT, { body: producerHeartbeat(clientId, group) }),
    );
    expect(response.code).toBe(ResponseCode.SUCCESS);
    return { client, checks };
  }

  /** The END_TRANSACTION a Java producer sends in answer to a check (offsets from the check header). */
  function answer(check: RemotingCommand, commitOrRollback: number): RemotingCommand {
    const header = CHECK_TRANSACTION_STATE_REQUEST_HEADER.decode(check.extFields);
    return replay(frames.fromCheck, {
      producerGroup: PG,
      commitLogOffset: String(header.commitLogOffset),
      tranStateTableOffset: String(header.tranStateTableOffset),
      msgId: header.msgId!,
      transactionId: header.transactionId!,
      commitOrRollback: String(commitOrRollback),
    });
  }

  const checkProgress = (): number => f.broker.consumerOffsets.queryOffset(TRANS_CHECK_GROUP, TRANS_HALF_TOPIC, 0);

  it('asks a live producer of the group about an unknown transaction and commits on its answer', async () => {
    f = await startBrokerFixture(checkOptions);
    const decoy = await producer('PG_other', 'decoy@1');
    const { client, checks } = await producer(PG, 'producer@1');
    const half = await sendHalf(f, 'order-8');
    await f.client.invokeOneway(f.addr, endTransaction(frames.unknown, half));
    await waitFor(() => checks.length >= 1);

    const check = checks[0]!;
    expect(check.flag & 2).toBe(2);
    expect(Object.keys(check.extFields!).sort()).toEqual(Object.keys(frames.check.extFields!).sort());
    const header = CHECK_TRANSACTION_STATE_REQUEST_HEADER.decode(check.extFields);
    expect(header).toMatchObject({
      topic: TRANS_HALF_TOPIC,
      tranStateTableOffset: 1,
      msgId: half.uniqKey,
      transactionId: half.uniqKey,
      bname: 'broker-a',
    });
    expect(header.commitLogOffset).toBeGreaterThan(half.commitLogOffset);
    expect(header.offsetMsgId).toBe(createOffsetMsgId(f.addr, header.commitLogOffset!));
    const body = decodeStoredMessage(check.body!);
    expect(body).toMatchObject({ topic: TOPIC, queueId: 1, queueOffset: 1, commitLogOffset: header.commitLogOffset });
    expect(body.body.toString()).toBe('order-8');
    expect(body.properties).toMatchObject({
      TRANSACTION_CHECK_TIMES: '1',
      TRAN_MSG: 'true',
      PGROUP: PG,
      UNIQ_KEY: half.uniqKey,
      REAL_TOPIC: TOPIC,
    });

    await client.invokeOneway(f.addr, answer(check, MessageSysFlag.TRANSACTION_COMMIT_TYPE));
    await waitFor(() => f.broker.store.getMaxOffsetInQueue(TOPIC, 1) === 1);
    await waitFor(() => checkProgress() === f.broker.store.getMaxOffsetInQueue(TRANS_HALF_TOPIC, 0));
    for (const late of checks.slice(1))
      await client.invoke(f.addr, { ...answer(late, MessageSysFlag.TRANSACTION_COMMIT_TYPE), flag: 0 });
    expect(await realMessages(f)).toHaveLength(1);
    expect(decoy.checks).toHaveLength(0);
  });

  it('honours a late END for the original after a check, and ignores the answer to that check', async () => {
    f = await startBrokerFixture(checkOptions);
    const { client, checks } = await producer(PG, 'producer@1');
    const half = await sendHalf(f, 'order-9');
    await waitFor(() => checks.length >= 1);
    expect((await f.client.invoke(f.addr, endTransaction(frames.commit, half, true))).code).toBe(0);
    expect(await realMessages(f)).toHaveLength(1);
    const ignored = await client.invoke(f.addr, {
      ...answer(checks[0]!, MessageSysFlag.TRANSACTION_COMMIT_TYPE),
      flag: 0,
    });
    expect(ignored.code).toBe(ResponseCode.SUCCESS);
    await waitFor(() => checkProgress() === f.broker.store.getMaxOffsetInQueue(TRANS_HALF_TOPIC, 0));
    expect(await realMessages(f)).toHaveLength(1);
  });

  it('ignores a late END for the original once the answer to a check committed it, also after a restart', async () => {
    f = await startBrokerFixture(checkOptions);
    const { client, checks } = await producer(PG, 'producer@1');
    const half = await sendHalf(f, 'order-10');
    await waitFor(() => checks.length >= 1);
    await client.invoke(f.addr, { ...answer(checks[0]!, MessageSysFlag.TRANSACTION_COMMIT_TYPE), flag: 0 });
    expect((await f.client.invoke(f.addr, endTransaction(frames.commit, half, true))).code).toBe(0);
    expect(await realMessages(f)).toHaveLength(1);

    await client.shutdown();
    await f.stopBroker();
    await f.restart();
    expect((await f.client.invoke(f.addr, endTransaction(frames.commit, half, true))).code).toBe(0);
    expect(await realMessages(f)).toHaveLength(1);
  });

  it('checks a half message stored before a restart once a producer of its group connects', async () => {
    f = await startBrokerFixture();
    const half = await sendHalf(f, 'order-11');
    await f.stopBroker();
    await f.restart(checkOptions);
    const { client, checks } = await producer(PG, 'producer@2');
    await waitFor(() => checks.length >= 1);
    const body = decodeStoredMessage(checks[0]!.body!);
    expect(body.properties[MessageConst.UNIQ_KEY]).toBe(half.uniqKey);
    await client.invokeOneway(f.addr, answer(checks[0]!, MessageSysFlag.TRANSACTION_COMMIT_TYPE));
    await waitFor(() => f.broker.store.getMaxOffsetInQueue(TOPIC, 1) === 1);
    expect((await realMessages(f))[0]!.body.toString()).toBe('order-11');
  });

  it('leaves nothing after a rollback answer and stops checking', async () => {
    f = await startBrokerFixture(checkOptions);
    const { client, checks } = await producer(PG, 'producer@1');
    await sendHalf(f, 'order-12');
    await waitFor(() => checks.length >= 1);
    await client.invokeOneway(f.addr, answer(checks[0]!, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE));
    await waitFor(() => f.broker.store.getMaxOffsetInQueue(TRANS_OP_HALF_TOPIC, 0) === 1);
    await waitFor(() => checkProgress() === f.broker.store.getMaxOffsetInQueue(TRANS_HALF_TOPIC, 0));
    expect(await maxOffset(f, TOPIC, 1)).toBe(0);
  });

  it('moves a half message to TRANS_CHECK_MAX_TIME_TOPIC after transactionCheckMax checks', async () => {
    f = await startBrokerFixture({ ...checkOptions, transactionTimeoutMs: 0, transactionCheckMax: 2 });
    const { checks } = await producer(PG, 'producer@1');
    const half = await sendHalf(f, 'order-13');
    await waitFor(() => f.broker.store.getMaxOffsetInQueue(TRANS_CHECK_MAX_TIME_TOPIC, 0) === 1);
    await waitFor(() => checkProgress() === f.broker.store.getMaxOffsetInQueue(TRANS_HALF_TOPIC, 0));
    expect(checks.map((c) => decodeStoredMessage(c.body!).properties[MessageConst.TRANSACTION_CHECK_TIMES])).toEqual([
      '1',
      '2',
    ]);
    const [discarded] = await queueMessages(f, TRANS_CHECK_MAX_TIME_TOPIC, 0);
    expect(discarded!.properties).toMatchObject({ UNIQ_KEY: half.uniqKey, TRANSACTION_CHECK_TIMES: '2' });
    expect(await maxOffset(f, TOPIC, 1)).toBe(0);
  });
});
