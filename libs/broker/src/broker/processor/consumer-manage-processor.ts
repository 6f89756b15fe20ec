/**
 * GET_CONSUMER_LIST_BY_GROUP (38), QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15):
 * broker-semantics.md 3.1, 3.3.
 */
import * as os from 'node:os';
import {
  CONSUMER_GROUP_REQUEST_HEADER,
  QUERY_CONSUMER_OFFSET_REQUEST_HEADER,
  RemotingCommand,
  ResponseCode,
  UPDATE_CONSUMER_OFFSET_REQUEST_HEADER,
  encodeConsumerListBody,
  encodeOffsetResponseHeader,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context.js';
import { checkRequired, reply, replyWith } from './responses.js';

/** Share of RAM behind the commit-log head that counts as "still in memory" (accessMessageInMemoryMaxRatio). */
const IN_MEMORY_RATIO = 0.4;

export class ConsumerManageProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  readonly getConsumerList = (request: RemotingCommand): RemotingCommand => {
    const header = CONSUMER_GROUP_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, CONSUMER_GROUP_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    const info = this.ctx.consumers.get(header.consumerGroup!);
    const ids = info?.clientIds() ?? [];
    if (ids.length === 0)
      return reply(request, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${header.consumerGroup}`);
    return replyWith(request, ResponseCode.SUCCESS, null, encodeConsumerListBody({ consumerIdList: ids }));
  };

  readonly updateConsumerOffset = (request: RemotingCommand): RemotingCommand => {
    const header = UPDATE_CONSUMER_OFFSET_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, UPDATE_CONSUMER_OFFSET_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    this.ctx.consumerOffsets.commitOffset(header.consumerGroup!, header.topic!, header.queueId!, header.commitOffset!);
    return reply(request, ResponseCode.SUCCESS);
  };

  /**
   * The committed offset; without one, 0 when the queue still starts at 0 and its first message is in
   * memory (a young queue: a new group then starts from the beginning), else QUERY_NOT_FOUND (3.3).
   */
  readonly queryConsumerOffset = async (request: RemotingCommand): Promise<RemotingCommand> => {
    const header = QUERY_CONSUMER_OFFSET_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, QUERY_CONSUMER_OFFSET_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    const { consumerOffsets, store } = this.ctx;
    const committed = consumerOffsets.queryOffset(header.consumerGroup!, header.topic!, header.queueId!);
    if (committed >= 0)
      return replyWith(request, ResponseCode.SUCCESS, encodeOffsetResponseHeader({ offset: committed }));
    if (header.setZeroIfNotFound !== false && store.getMinOffsetInQueue(header.topic!, header.queueId!) <= 0) {
      const firstPhysical = await store.getCommitLogOffsetInQueue(header.topic!, header.queueId!, 0);
      const inMemory = firstPhysical < 0 || store.getMaxPhyOffset() - firstPhysical <= os.totalmem() * IN_MEMORY_RATIO;
      if (inMemory) return replyWith(request, ResponseCode.SUCCESS, encodeOffsetResponseHeader({ offset: 0 }));
    }
    return reply(
      request,
      ResponseCode.QUERY_NOT_FOUND,
      'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first',
    );
  };
}
