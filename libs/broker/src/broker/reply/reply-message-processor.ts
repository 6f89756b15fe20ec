/**
 * SEND_REPLY_MESSAGE (324, V1 keys) and SEND_REPLY_MESSAGE_V2 (325): request-reply (remoting-protocol.md
 * 2.1.3, broker-semantics.md 10.6). The reply is pushed to the requester's connection with
 * PUSH_REPLY_MESSAGE_TO_CLIENT, found by the REPLY_TO_CLIENT client id its heartbeat registered, and stored
 * too (storeReplyMessageEnable).
 */
import {
  DEFAULT_SERVER_VERSION,
  MessageConst,
  REPLY_MESSAGE_REQUEST_HEADER,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  appendProperty,
  createRequest,
  readProperty,
  removeProperty,
} from '@rocketnest/protocol';
import type { RemotingConnection } from '@rocketnest/remoting';
import { isPutStored } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context.js';
import type { SendMessageProcessor, ValidSendHeader } from '../processor/send-message-processor.js';
import type { MessageToPut } from '../put/message-to-put.js';

/** Broker -> client sync call timeout (remoting-protocol.md 1.8). */
const PUSH_TIMEOUT_MS = 10_000;

export class ReplyMessageProcessor {
  constructor(
    private readonly ctx: BrokerContext,
    private readonly send: SendMessageProcessor,
    private readonly storeReplies: boolean,
  ) {}

  readonly processRequest = async (
    request: RemotingCommand,
    connection: RemotingConnection,
  ): Promise<RemotingCommand> => {
    const prepared = this.send.validateAndPrepare(request);
    if ('response' in prepared) return prepared.response;
    const { header, queueId } = prepared;
    const message = this.send.toMessage(header, queueId, request.body ?? Buffer.alloc(0), connection);
    const replyTo = readProperty(message.properties, MessageConst.REPLY_TO_CLIENT);
    const storeTimestamp = Date.now();
    message.properties = appendProperty(
      removeProperty(message.properties, MessageConst.PUSH_REPLY_TIME),
      MessageConst.PUSH_REPLY_TIME,
      String(storeTimestamp),
    );
    const pushFailure = await this.push(header, queueId, message, replyTo, connection, storeTimestamp);
    const uniqKey = readProperty(message.properties, MessageConst.UNIQ_KEY) ?? '';
    // As Java: the push decides the code; the stored copy (if any) only fills the response header.
    const stored = this.storeReplies ? await this.ctx.puts.put(message) : undefined;
    if (pushFailure !== undefined) {
      if (stored !== undefined && !isPutStored(stored.status))
        this.ctx.logger.warn('reply message not stored', { status: stored.status });
      return this.send.error(request, ResponseCode.SYSTEM_ERROR, pushFailure);
    }
    if (stored !== undefined && isPutStored(stored.status))
      return this.send.putResponse(request, { ...stored, status: 'PUT_OK' }, queueId, uniqKey);
    if (stored !== undefined) this.ctx.logger.warn('reply message not stored', { status: stored.status });
    return this.send.putResponse(
      request,
      { status: 'PUT_OK', wroteOffset: 0, wroteBytes: 0, msgId: '0', queueOffset: 0, msgNum: 1, storeTimestamp },
      queueId,
      uniqKey,
    );
  };

  /** PUSH_REPLY_MESSAGE_TO_CLIENT to the requester; returns the failure remark, or undefined when it took it. */
  private async push(
    header: ValidSendHeader,
    queueId: number,
    message: MessageToPut,
    replyTo: string | undefined,
    connection: RemotingConnection,
    storeTimestamp: number,
  ): Promise<string | undefined> {
    const requester = replyTo === undefined ? undefined : this.ctx.producers.findByClientId(replyTo);
    if (requester === undefined) return `push reply message to ${replyTo} fail. Channel is null`;
    const push = createRequest(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, {
      extFields: REPLY_MESSAGE_REQUEST_HEADER.encode({
        producerGroup: header.producerGroup,
        topic: header.topic,
        defaultTopic: header.defaultTopic,
        defaultTopicQueueNums: header.defaultTopicQueueNums,
        queueId,
        sysFlag: header.sysFlag,
        bornTimestamp: header.bornTimestamp,
        flag: header.flag,
        properties: message.properties,
        reconsumeTimes: header.reconsumeTimes ?? 0,
        unitMode: header.unitMode ?? false,
        bornHost: connection.remoteAddress,
        storeHost: this.ctx.brokerAddr(),
        storeTimestamp,
      }),
      body: message.body,
      version: DEFAULT_SERVER_VERSION,
    });
    try {
      const answer = await requester.invoke(push, PUSH_TIMEOUT_MS);
      return answer.code === ResponseCode.SUCCESS
        ? undefined
        : `push reply message to ${replyTo} fail: ${answer.remark ?? answer.code}`;
    } catch (error) {
      return `push reply message to ${replyTo} fail: ${String(error)}`;
    }
  }
}
