import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageConst, decodeOffsetMsgId } from '@rocketnest/protocol';
import { ClientInstance, MessageExt, Producer, TransactionState, TransactionUnknownError } from '@rocketnest/client';
import { pullTopic, waitForTopic } from './support/pull-helper.js';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/standalone-fixture.js';

describe('Producer transactions', () => {
  let broker: TestBroker;
  let producer: Producer;
  let reader: ClientInstance;
  /** Check-back decisions by body, and the checks seen. */
  const decisions = new Map<string, TransactionState>();
  const checked: MessageExt[] = [];

  beforeAll(async () => {
    // Half messages older than 300 ms are checked back every 200 ms.
    broker = await startTestBroker({ broker: { transactionCheckIntervalMs: 200, transactionTimeoutMs: 300 } });
    producer = new Producer({ group: uniq('txg'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('tx') });
    await producer.start();
    producer.setTransactionChecker((message) => {
      checked.push(message);
      return decisions.get(message.body.toString()) ?? 'unknown';
    });
    reader = ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('reader') });
  });
  afterAll(async () => {
    await producer?.shutdown();
    await reader?.release();
    await broker?.close();
  });

  async function newTopic(): Promise<string> {
    const topic = uniq('tx');
    await producer.send({ topic, body: Buffer.from('create') });
    return topic;
  }

  it('commits: the message becomes visible, sent as a prepared half message of this group', async () => {
    const topic = await newTopic();
    const result = await producer.sendMessageInTransaction(
      { topic, body: Buffer.from('commit-me'), keys: 'order-1', delayTimeLevel: 3 },
      (message, sendResult) => {
        expect(sendResult.sendStatus).toBe('SEND_OK');
        expect(message.body.toString()).toBe('commit-me');
        return 'commit';
      },
    );
    expect(result.state).toBe('commit');
    expect(result.sendResult.transactionId).toBe(result.sendResult.msgId);
    const messages = await waitForTopic(reader, topic, (all) => all.some((m) => m.body.toString() === 'commit-me'));
    const seen = messages.find((m) => m.body.toString() === 'commit-me');
    expect(seen!.msgId).toBe(result.sendResult.msgId);
    expect(seen!.keys).toEqual(['order-1']);
    // The broker drops TRAN_MSG from the committed copy (6.3); PGROUP stays.
    expect(seen!.properties[MessageConst.TRAN_MSG]).toBeUndefined();
    expect(seen!.properties[MessageConst.PGROUP]).toBe(producer.group);
    // DELAY is dropped from transactional messages (6.1), so it is visible at once after the commit.
    expect(seen!.properties[MessageConst.DELAY]).toBeUndefined();
    // The committed copy points at the half record the END_TRANSACTION named.
    expect(seen!.preparedTransactionOffset).toBe(decodeOffsetMsgId(result.sendResult.offsetMsgId).physicalOffset);
  });

  it('rolls back: the message never becomes visible', async () => {
    const topic = await newTopic();
    const rolled = await producer.sendMessageInTransaction(
      { topic, body: Buffer.from('rollback-me') },
      () => 'rollback',
    );
    expect(rolled.state).toBe('rollback');
    const committed = await producer.sendMessageInTransaction({ topic, body: Buffer.from('after') }, () => 'commit');
    expect(committed.state).toBe('commit');
    // Messages of one producer commit in order on one broker: once the later one is visible, the rolled
    // back one would be too if it were going to be.
    const messages = await waitForTopic(reader, topic, (all) => all.some((m) => m.body.toString() === 'after'));
    expect(messages.map((m) => m.body.toString()).sort()).toEqual(['after', 'create']);
  });

  it('leaves unknown outcomes (returned or thrown) to the check-back, which commits or rolls back', async () => {
    const topic = await newTopic();
    decisions.set('unknown-commit', 'commit');
    decisions.set('thrown-commit', 'commit');
    decisions.set('unknown-rollback', 'rollback');
    const unknown = await producer.sendMessageInTransaction(
      { topic, body: Buffer.from('unknown-commit') },
      () => 'unknown',
    );
    expect(unknown.state).toBe('unknown');
    const thrown = await producer.sendMessageInTransaction({ topic, body: Buffer.from('thrown-commit') }, () => {
      throw new Error('database unreachable');
    });
    expect(thrown.state).toBe('unknown');
    expect((thrown.error as Error).message).toBe('database unreachable');
    await producer.sendMessageInTransaction(
      { topic, body: Buffer.from('unknown-rollback') },
      async (): Promise<TransactionState> => 'unknown',
    );
    const messages = await waitForTopic(
      reader,
      topic,
      (all) => ['unknown-commit', 'thrown-commit'].every((b) => all.some((m) => m.body.toString() === b)),
      15_000,
    );
    await waitFor(() => checked.some((m) => m.body.toString() === 'unknown-rollback'));
    const check = checked.find((m) => m.body.toString() === 'unknown-commit')!;
    expect(check.topic).toBe(topic);
    expect(check.msgId).toBe(unknown.sendResult.msgId);
    expect(check.properties[MessageConst.PGROUP]).toBe(producer.group);
    const bodies = messages.map((m) => m.body.toString());
    expect(bodies.filter((b) => b === 'unknown-commit')).toHaveLength(1);
    expect(bodies).not.toContain('unknown-rollback');
  });

  it('sendInTransaction commits on a value, rolls back on a throw, and defers on TransactionUnknownError', async () => {
    const topic = await newTopic();
    decisions.set('deferred', 'commit');
    const committed = await producer.sendInTransaction({ topic, body: Buffer.from('value') }, () => 42);
    expect(committed).toMatchObject({ state: 'commit', value: 42, error: undefined });
    const rolled = await producer.sendInTransaction({ topic, body: Buffer.from('throws') }, () => {
      throw new Error('db down');
    });
    expect(rolled.state).toBe('rollback');
    expect((rolled.error as Error).message).toBe('db down');
    const deferred = await producer.sendInTransaction({ topic, body: Buffer.from('deferred') }, () => {
      throw new TransactionUnknownError('later');
    });
    expect(deferred.state).toBe('unknown');
    const messages = await waitForTopic(
      reader,
      topic,
      (all) => all.some((m) => m.body.toString() === 'deferred'),
      15_000,
    );
    expect(messages.map((m) => m.body.toString()).sort()).toEqual(['create', 'deferred', 'value']);
    expect((await pullTopic(reader, topic)).map((m) => m.body.toString())).not.toContain('throws');
  });
});
