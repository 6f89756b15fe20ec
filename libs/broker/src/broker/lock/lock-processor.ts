/** LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42), remoting-protocol.md 2.7. */
import {
  RemotingCommand,
  ResponseCode,
  decodeLockBatchRequestBody,
  decodeUnlockBatchRequestBody,
  encodeLockBatchResponseBody,
} from '@rocketnest/protocol';
import { reply, replyWith } from '../processor/responses.js';
import type { RebalanceLockManager } from './rebalance-lock-manager.js';

export class LockProcessor {
  constructor(private readonly locks: RebalanceLockManager) {}

  readonly lock = (request: RemotingCommand): RemotingCommand => {
    try {
      const body = decodeLockBatchRequestBody(request.body ?? Buffer.from('{}'));
      if (body.consumerGroup === '' || body.clientId === '')
        return reply(request, ResponseCode.SYSTEM_ERROR, 'consumerGroup and clientId are required');
      const lockOKMQSet = this.locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
      return replyWith(request, ResponseCode.SUCCESS, null, encodeLockBatchResponseBody({ lockOKMQSet }));
    } catch (error) {
      return reply(request, ResponseCode.SYSTEM_ERROR, `malformed lock request: ${String(error)}`);
    }
  };

  readonly unlock = (request: RemotingCommand): RemotingCommand => {
    try {
      const body = decodeUnlockBatchRequestBody(request.body ?? Buffer.from('{}'));
      this.locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
      return reply(request, ResponseCode.SUCCESS);
    } catch (error) {
      return reply(request, ResponseCode.SYSTEM_ERROR, `malformed unlock request: ${String(error)}`);
    }
  };
}
