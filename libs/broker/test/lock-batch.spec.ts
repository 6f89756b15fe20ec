import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RebalanceLockManager } from '../src/broker/lock/rebalance-lock-manager.js';
import {
  MessageQueue,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  createRequest,
  decodeLockBatchResponseBody,
  encodeLockBatchRequestBody,
} from '@rocketnest/protocol';
import { BrokerFixture, startBrokerFixture } from './support/broker-fixture.js';
import { capturedFrame, replay } from './support/interop-frame.js';
import { waitFor } from './support/wait-for.js';

const GROUP = 'CG_orderly';
const TOPIC = 'orderly';

const mq = (queueId: number, topic = TOPIC): MessageQueue => ({ topic, brokerName: 'broker-a', queueId });

describe('RebalanceLockManager', () => {
  it('grants free queues, refuses held ones, renews for the holder and lets an expired lock go', () => {
    const locks = new RebalanceLockManager(300);
    expect(locks.tryLockBatch(GROUP, [mq(0), mq(1)], 'A', 0)).toEqual([mq(0), mq(1)]);
    expect(locks.tryLockBatch(GROUP, [mq(1), mq(2)], 'B', 100)).toEqual([mq(2)]);
    expect(locks.tryLockBatch(GROUP, [mq(0)], 'A', 250)).toEqual([mq(0)]);
    // mq 0 was renewed at 250, mq 1 was not: at 400 only mq 1 has expired.
    expect(locks.tryLockBatch(GROUP, [mq(0), mq(1)], 'B', 400)).toEqual([mq(1)]);
    expect(locks.holder(GROUP, mq(0), 400)).toBe('A');
    expect(locks.holder(GROUP, mq(0), 600)).toBeUndefined();
    expect(locks.tryLockBatch(GROUP, [mq(0)], 'B', 600)).toEqual([mq(0)]);
  });

  it("keeps groups apart and unlocks only the caller's queues", () => {
    const locks = new RebalanceLockManager(60_000);
    locks.tryLockBatch(GROUP, [mq(0)], 'A');
    expect(locks.tryLockBatch('CG_other', [mq(0)], 'B')).toEqual([mq(0)]);
    locks.unlockBatch(GROUP, [mq(0)], 'B');
    expect(locks.holder(GROUP, mq(0))).toBe('A');
    locks.unlockBatch(GROUP, [mq(0)], 'A');
    expect(locks.holder(GROUP, mq(0))).toBeUndefined();
  });
});

describe('LockProcessor (LOCK_BATCH_MQ, UNLOCK_BATCH_MQ)', () => {
  let f: BrokerFixture;

  beforeEach(async () => {
    f = await startBrokerFixture({ rebalanceLockMaxLiveTimeMs: 300 });
  });
  afterEach(async () => {
    await f.close();
  });

  function body(clientId: string, queues: number[], group = GROUP): Buffer {
    return encodeLockBatchRequestBody({
      clientId,
      consumerGroup: group,
      mqSet: queues.map((q) => mq(q)),
      onlyThisBroker: false,
    });
  }

  async function lock(clientId: string, queues: number[], group = GROUP): Promise<number[]> {
    const response = await f.invoke(RequestCode.LOCK_BATCH_MQ, null, body(clientId, queues, group));
    expect(response.code).toBe(ResponseCode.SUCCESS);
    return decodeLockBatchResponseBody(response.body!)
      .lockOKMQSet.map((q) => q.queueId)
      .sort();
  }

  async function unlock(clientId: string, queues: number[]): Promise<RemotingCommand> {
    return f.invoke(RequestCode.UNLOCK_BATCH_MQ, null, body(clientId, queues));
  }

  it('answers the captured Java lock request with the body Apache answered', async () => {
    const request = await capturedFrame('lock-batch-mq.request');
    const expected = await capturedFrame('lock-batch-mq.response');
    const response = await f.client.invoke(f.addr, replay(request));
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.body!.toString()).toBe(expected.body!.toString());
  });

  it('grants, refuses another client, renews for the same client, and unlocks', async () => {
    expect(await lock('A', [0, 1])).toEqual([0, 1]);
    expect(await lock('B', [1, 2])).toEqual([2]);
    expect(await lock('A', [0, 1, 2])).toEqual([0, 1]);
    expect(await lock('B', [0], 'CG_other')).toEqual([0]);

    expect((await unlock('B', [0])).code).toBe(ResponseCode.SUCCESS);
    expect(await lock('B', [0, 1])).toEqual([]);
    expect((await unlock('A', [0])).code).toBe(ResponseCode.SUCCESS);
    expect(await lock('B', [0, 1])).toEqual([0]);
  });

  it('takes an UNLOCK_BATCH_MQ sent oneway', async () => {
    expect(await lock('A', [3])).toEqual([3]);
    await f.client.invokeOneway(
      f.addr,
      createRequest(RequestCode.UNLOCK_BATCH_MQ, { body: body('A', [3]), oneway: true }),
    );
    await waitFor(() => f.broker.locks.holder(GROUP, mq(3)) === undefined);
    expect(await lock('B', [3])).toEqual([3]);
  });

  it('gives a lock not renewed within rebalanceLockMaxLiveTimeMs to another client', async () => {
    expect(await lock('A', [0])).toEqual([0]);
    let granted: number[] = [];
    await waitFor(async () => {
      granted = await lock('B', [0]);
      return granted.length === 1;
    }, 3000);
    expect(await lock('A', [0])).toEqual([]);
  });

  it('answers SYSTEM_ERROR to a malformed or incomplete body and keeps serving', async () => {
    const garbage = await f.invoke(RequestCode.LOCK_BATCH_MQ, null, Buffer.from('{"mqSet":'));
    expect(garbage.code).toBe(ResponseCode.SYSTEM_ERROR);
    const noBody = await f.invoke(RequestCode.LOCK_BATCH_MQ);
    expect(noBody.code).toBe(ResponseCode.SYSTEM_ERROR);
    const noGroup = await f.invoke(RequestCode.LOCK_BATCH_MQ, null, body('A', [0], ''));
    expect(noGroup.code).toBe(ResponseCode.SYSTEM_ERROR);
    const badUnlock = await f.invoke(RequestCode.UNLOCK_BATCH_MQ, null, Buffer.from('[]'));
    expect(badUnlock.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(await lock('A', [0])).toEqual([0]);
  });
});
