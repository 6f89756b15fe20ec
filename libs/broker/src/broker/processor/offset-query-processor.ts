/**
 * Queue offset and message lookups used by consumers and tools (broker-semantics.md 2.9):
 * GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32), SEARCH_OFFSET_BY_TIMESTAMP (29),
 * VIEW_MESSAGE_BY_ID (33), QUERY_MESSAGE (12).
 */
import {
  GET_MAX_OFFSET_REQUEST_HEADER,
  QUERY_MESSAGE_REQUEST_HEADER,
  QUEUE_REQUEST_HEADER,
  RemotingCommand,
  ResponseCode,
  SEARCH_OFFSET_REQUEST_HEADER,
  UNIQUE_KEY_QUERY,
  VIEW_MESSAGE_REQUEST_HEADER,
  encodeGetEarliestMsgStoretimeResponseHeader,
  encodeOffsetResponseHeader,
  encodeQueryMessageResponseHeader,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context.js';
import { checkRequired, reply, replyWith } from './responses.js';

/** defaultQueryMaxNum: how many hits a unique-key query may return. */
const UNIQUE_KEY_QUERY_MAX_NUM = 32;

export class OffsetQueryProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  readonly getMaxOffset = (request: RemotingCommand): RemotingCommand => {
    const header = GET_MAX_OFFSET_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, GET_MAX_OFFSET_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    const offset = this.ctx.store.getMaxOffsetInQueue(header.topic!, header.queueId!);
    return replyWith(request, ResponseCode.SUCCESS, encodeOffsetResponseHeader({ offset }));
  };

  readonly getMinOffset = (request: RemotingCommand): RemotingCommand => {
    const header = QUEUE_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, QUEUE_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    const offset = this.ctx.store.getMinOffsetInQueue(header.topic!, header.queueId!);
    return replyWith(request, ResponseCode.SUCCESS, encodeOffsetResponseHeader({ offset }));
  };

  readonly getEarliestMsgStoretime = async (request: RemotingCommand): Promise<RemotingCommand> => {
    const header = QUEUE_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, QUEUE_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    const timestamp = await this.ctx.store.getEarliestMessageTime(header.topic!, header.queueId!);
    return replyWith(request, ResponseCode.SUCCESS, encodeGetEarliestMsgStoretimeResponseHeader({ timestamp }));
  };

  readonly searchOffsetByTimestamp = async (request: RemotingCommand): Promise<RemotingCommand> => {
    const header = SEARCH_OFFSET_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, SEARCH_OFFSET_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    const offset = await this.ctx.store.getOffsetInQueueByTime(
      header.topic!,
      header.queueId!,
      header.timestamp!,
      header.boundaryType ?? 'LOWER',
    );
    return replyWith(request, ResponseCode.SUCCESS, encodeOffsetResponseHeader({ offset }));
  };

  readonly viewMessageById = async (request: RemotingCommand): Promise<RemotingCommand> => {
    const header = VIEW_MESSAGE_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, VIEW_MESSAGE_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    const record = header.offset! < 0 ? undefined : await this.ctx.store.selectOneMessageByOffset(header.offset!);
    if (record === undefined) {
      return reply(request, ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${header.offset}`);
    }
    return replyWith(request, ResponseCode.SUCCESS, null, record);
  };

  readonly queryMessage = async (request: RemotingCommand): Promise<RemotingCommand> => {
    const header = QUERY_MESSAGE_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, QUERY_MESSAGE_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    const uniqueKey = request.extFields?.[UNIQUE_KEY_QUERY]?.toLowerCase() === 'true';
    const maxNum = uniqueKey ? UNIQUE_KEY_QUERY_MAX_NUM : header.maxNum!;
    const result = await this.ctx.store.queryMessage(
      header.topic!,
      header.key!,
      maxNum,
      header.beginTimestamp!,
      header.endTimestamp!,
    );
    const extFields = encodeQueryMessageResponseHeader({
      indexLastUpdateTimestamp: result.indexLastUpdateTimestamp,
      indexLastUpdatePhyoffset: result.indexLastUpdatePhyoffset,
    });
    if (result.messageBuffers.length === 0) {
      return replyWith(
        request,
        ResponseCode.QUERY_NOT_FOUND,
        extFields,
        null,
        'can not find message, maybe time range not correct',
      );
    }
    return replyWith(request, ResponseCode.SUCCESS, extFields, Buffer.concat(result.messageBuffers));
  };
}
