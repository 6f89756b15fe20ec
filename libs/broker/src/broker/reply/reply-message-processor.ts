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
import type { BrokerContext } from '../broker-context.js';
import type { SendMessageProcessor } from '../processor/send-message-processor.js';

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
    const requester = replyTo === undefined ? undefined : this.ctx.producers.findByClientId(replyTo);
    if (requester === undefined) {
      return this.send.error(
        request,
        ResponseCode.SYSTEM_ERROR,
        `push reply message failed: the requester ${replyTo} is not connected to this broker`,
      );
    }
    const storeTimestamp = Date.now();
    const pushed = appendProperty(
      removeProperty(message.properties, MessageConst.PUSH_REPLY_TIME),
      MessageConst.PUSH_REPLY_TIME,
      String(storeTimestamp),
    );
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
        properties: pushed,
        reconsumeTimes: header.reconsumeTimes ?? 0,
        unitMode: false,
        bornHost: connection.remoteAddress,
        storeHost: this.ctx.brokerAddr(),
        storeTimestamp,
      }),
      body: message.body,
      version: DEFAULT_SERVER_VERSION,
    });
    try {
      const answer = await requester.invoke(push, PUSH_TIMEOUT_MS);
      if (answer.code !== ResponseCode.SUCCESS) {
        return this.send.error(
          request,
          ResponseCode.SYSTEM_ERROR,
          `push reply message failed: ${answer.remark ?? answer.code}`,
        );
      }
    } catch (error) {
      return this.send.error(request, ResponseCode.SYSTEM_ERROR, `push reply message failed: ${String(error)}`);
    }
    if (!this.storeReplies)
      return this.send.putResponse(
        request,
        { status: 'PUT_OK', wroteOffset: 0, wroteBytes: 0, msgId: '', queueOffset: 0, msgNum: 1, storeTimestamp },
        queueId,
        readProperty(message.properties, MessageConst.UNIQ_KEY) ?? '',
      );
    message.properties = pushed;
    const result = await this.ctx.puts.put(message);
    return this.send.putResponse(
      request,
      result,
      queueId,
      readProperty(message.properties, MessageConst.UNIQ_KEY) ?? '',
    );
  };
}
