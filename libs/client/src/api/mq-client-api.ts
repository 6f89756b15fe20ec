/**
 * One typed call per request the client makes (remoting-protocol.md 2), over one RemotingClient. Error
 * codes become MQBrokerError; "nothing there" answers (TOPIC_NOT_EXIST for routes, QUERY_NOT_FOUND for
 * offsets) are values, not errors. Every request carries our language/version and, with credentials, an
 * ACL signature.
 */
import {
  CONSUMER_SEND_MSG_BACK_REQUEST_HEADER,
  ConsumerSendMsgBackRequestHeader,
  END_TRANSACTION_REQUEST_HEADER,
  EndTransactionRequestHeader,
  ExtFields,
  GET_MAX_OFFSET_REQUEST_HEADER,
  HeartbeatData,
  MessageExt as StoredMessage,
  MessageQueue,
  PULL_MESSAGE_REQUEST_HEADER,
  PullMessageRequestHeader,
  QUERY_CONSUMER_OFFSET_REQUEST_HEADER,
  QUERY_MESSAGE_REQUEST_HEADER,
  QUEUE_REQUEST_HEADER,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  SEARCH_OFFSET_REQUEST_HEADER,
  SendMessageRequestHeader,
  SerializeType,
  TopicRouteData,
  UNIQUE_KEY_QUERY,
  UPDATE_CONSUMER_OFFSET_REQUEST_HEADER,
  createRequest,
  decodeConsumerListBody,
  decodeLockBatchResponseBody,
  decodeOffsetResponseHeader,
  decodePullMessageResponseHeader,
  decodeSendMessageResponseHeader,
  decodeStoredMessages,
  decodeTopicRouteData,
  encodeHeartbeatData,
  encodeLockBatchRequestBody,
  encodeSendMessageRequestHeader,
  encodeSendMessageRequestHeaderV2,
  encodeUnlockBatchRequestBody,
  isSendStored,
  signCommand,
  GET_EARLIEST_MSG_STORETIME_RESPONSE_HEADER,
} from '@rocketnest/protocol';
import type { RemotingClient } from '@rocketnest/remoting';
import type { ResolvedClientOptions } from '../client-options.js';
import { MQBrokerError } from '../errors.js';

export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

const SEND_STATUS_BY_CODE: Readonly<Record<number, SendStatus>> = {
  [ResponseCode.SUCCESS]: 'SEND_OK',
  [ResponseCode.FLUSH_DISK_TIMEOUT]: 'FLUSH_DISK_TIMEOUT',
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: 'FLUSH_SLAVE_TIMEOUT',
  [ResponseCode.SLAVE_NOT_AVAILABLE]: 'SLAVE_NOT_AVAILABLE',
};

export interface SendResult {
  sendStatus: SendStatus;
  /** UNIQ_KEY (comma-joined for a batch): what users call the message id. */
  msgId: string;
  /** Offset message id(s) from the broker. */
  offsetMsgId: string;
  messageQueue: MessageQueue;
  queueOffset: number;
  transactionId: string | undefined;
  regionId: string | undefined;
  traceOn: boolean;
}

export type SendKind = 'single' | 'batch' | 'reply';

/** One send request (2.1.1): the header minus the broker name, the wire body, and what it carries. */
export interface SendRequest {
  brokerName: string;
  header: SendMessageRequestHeader;
  /** Raw (maybe compressed) body, or the batch encoding of section 7. */
  body: Buffer;
  /** SEND_MESSAGE_V2, SEND_BATCH_MESSAGE or SEND_REPLY_MESSAGE_V2. */
  kind: SendKind;
  /** The UNIQ_KEY(s) sent (comma-joined for a batch): SendResult.msgId. */
  msgId: string;
}

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export interface PullResult {
  status: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  suggestWhichBrokerId: number;
  messages: StoredMessage[];
}

const PULL_STATUS_BY_CODE: Readonly<Record<number, PullStatus>> = {
  [ResponseCode.SUCCESS]: 'FOUND',
  [ResponseCode.PULL_NOT_FOUND]: 'NO_NEW_MSG',
  [ResponseCode.PULL_RETRY_IMMEDIATELY]: 'NO_MATCHED_MSG',
  [ResponseCode.PULL_OFFSET_MOVED]: 'OFFSET_ILLEGAL',
};

export class MQClientAPI {
  constructor(
    readonly remoting: RemotingClient,
    private readonly options: ResolvedClientOptions,
  ) {}

  command(
    code: number,
    extFields: ExtFields | null = null,
    body: Buffer | null = null,
    oneway = false,
  ): RemotingCommand {
    const request = createRequest(code, {
      extFields,
      body,
      oneway,
      language: this.options.language,
      version: this.options.version,
      serializeType: SerializeType[this.options.serializeType],
    });
    return this.options.credentials === undefined ? request : signCommand(request, this.options.credentials);
  }

  async invoke(
    addr: string,
    request: RemotingCommand,
    timeoutMs = this.options.requestTimeoutMs,
  ): Promise<RemotingCommand> {
    return this.remoting.invoke(addr, request, timeoutMs);
  }

  /** invoke, then throw MQBrokerError unless the code is one of `ok`. */
  async call(
    addr: string,
    request: RemotingCommand,
    ok: readonly number[] = [ResponseCode.SUCCESS],
    timeoutMs?: number,
  ): Promise<RemotingCommand> {
    const response = await this.invoke(addr, request, timeoutMs);
    if (!ok.includes(response.code)) throw new MQBrokerError(response.code, response.remark, addr);
    return response;
  }

  /** The route, or undefined when the NameServer knows no such topic. */
  async getTopicRouteInfo(namesrvAddr: string, topic: string, timeoutMs?: number): Promise<TopicRouteData | undefined> {
    const response = await this.call(
      namesrvAddr,
      this.command(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }),
      [ResponseCode.SUCCESS, ResponseCode.TOPIC_NOT_EXIST],
      timeoutMs,
    );
    if (response.code === ResponseCode.TOPIC_NOT_EXIST || response.body === null) return undefined;
    return decodeTopicRouteData(response.body);
  }

  /**
   * SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE / SEND_REPLY_MESSAGE_V2. SUCCESS and the three "stored, not safe"
   * codes give a SendResult with that status; any other code is an MQBrokerError (2.1.2).
   */
  async sendMessage(addr: string, send: SendRequest, timeoutMs: number): Promise<SendResult> {
    const response = await this.invoke(addr, this.sendCommand(send, false), timeoutMs);
    if (!isSendStored(response.code)) throw new MQBrokerError(response.code, response.remark, addr);
    const decoded = decodeSendMessageResponseHeader(response.extFields);
    return {
      sendStatus: SEND_STATUS_BY_CODE[response.code] ?? 'SEND_OK',
      msgId: send.msgId,
      offsetMsgId: decoded.msgId ?? '',
      messageQueue: {
        topic: send.header.topic,
        brokerName: send.brokerName,
        queueId: decoded.queueId ?? send.header.queueId,
      },
      queueOffset: decoded.queueOffset ?? -1,
      transactionId: decoded.transactionId,
      regionId: decoded.MSG_REGION,
      traceOn: decoded.TRACE_ON !== false,
    };
  }

  /** The same request marked oneway: resolves once written, the broker answers nothing. */
  async sendMessageOneway(addr: string, send: SendRequest, timeoutMs: number): Promise<void> {
    await this.remoting.invokeOneway(addr, this.sendCommand(send, true), timeoutMs);
  }

  private sendCommand(send: SendRequest, oneway: boolean): RemotingCommand {
    const code =
      send.kind === 'batch'
        ? RequestCode.SEND_BATCH_MESSAGE
        : send.kind === 'reply'
          ? RequestCode.SEND_REPLY_MESSAGE_V2
          : RequestCode.SEND_MESSAGE_V2;
    const header = encodeSendMessageRequestHeaderV2({ ...send.header, bname: send.brokerName });
    return this.command(code, header, send.body, oneway);
  }

  /** V1 keys, for the rare caller that needs SEND_MESSAGE (10). */
  encodeSendHeaderV1(header: SendMessageRequestHeader): ExtFields {
    return encodeSendMessageRequestHeader(header);
  }

  async pullMessage(addr: string, header: PullMessageRequestHeader, timeoutMs: number): Promise<PullResult> {
    const response = await this.invoke(
      addr,
      this.command(RequestCode.PULL_MESSAGE, PULL_MESSAGE_REQUEST_HEADER.encode(header)),
      timeoutMs,
    );
    const status = PULL_STATUS_BY_CODE[response.code];
    if (status === undefined) throw new MQBrokerError(response.code, response.remark, addr);
    const decoded = decodePullMessageResponseHeader(response.extFields);
    return {
      status,
      nextBeginOffset: decoded.nextBeginOffset ?? header.queueOffset,
      minOffset: decoded.minOffset ?? 0,
      maxOffset: decoded.maxOffset ?? 0,
      suggestWhichBrokerId: decoded.suggestWhichBrokerId ?? 0,
      messages: status === 'FOUND' && response.body !== null ? decodeStoredMessages(response.body) : [],
    };
  }

  /** The committed offset, or -1 when the broker has none (QUERY_NOT_FOUND). */
  async queryConsumerOffset(addr: string, consumerGroup: string, topic: string, queueId: number): Promise<number> {
    const response = await this.call(
      addr,
      this.command(
        RequestCode.QUERY_CONSUMER_OFFSET,
        QUERY_CONSUMER_OFFSET_REQUEST_HEADER.encode({ consumerGroup, topic, queueId }),
      ),
      [ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND],
    );
    return response.code === ResponseCode.QUERY_NOT_FOUND
      ? -1
      : (decodeOffsetResponseHeader(response.extFields).offset ?? -1);
  }

  async updateConsumerOffset(
    addr: string,
    consumerGroup: string,
    topic: string,
    queueId: number,
    commitOffset: number,
    oneway: boolean,
  ): Promise<void> {
    const request = this.command(
      RequestCode.UPDATE_CONSUMER_OFFSET,
      UPDATE_CONSUMER_OFFSET_REQUEST_HEADER.encode({ consumerGroup, topic, queueId, commitOffset }),
      null,
      oneway,
    );
    if (oneway) await this.remoting.invokeOneway(addr, request);
    else await this.call(addr, request);
  }

  async getMaxOffset(addr: string, topic: string, queueId: number): Promise<number> {
    const response = await this.call(
      addr,
      this.command(RequestCode.GET_MAX_OFFSET, GET_MAX_OFFSET_REQUEST_HEADER.encode({ topic, queueId })),
    );
    return decodeOffsetResponseHeader(response.extFields).offset ?? 0;
  }

  async getMinOffset(addr: string, topic: string, queueId: number): Promise<number> {
    const response = await this.call(
      addr,
      this.command(RequestCode.GET_MIN_OFFSET, QUEUE_REQUEST_HEADER.encode({ topic, queueId })),
    );
    return decodeOffsetResponseHeader(response.extFields).offset ?? 0;
  }

  async getEarliestMsgStoreTime(addr: string, topic: string, queueId: number): Promise<number> {
    const response = await this.call(
      addr,
      this.command(RequestCode.GET_EARLIEST_MSG_STORETIME, QUEUE_REQUEST_HEADER.encode({ topic, queueId })),
    );
    return GET_EARLIEST_MSG_STORETIME_RESPONSE_HEADER.decode(response.extFields).timestamp ?? -1;
  }

  async searchOffset(
    addr: string,
    topic: string,
    queueId: number,
    timestamp: number,
    boundaryType: 'LOWER' | 'UPPER' = 'LOWER',
  ): Promise<number> {
    const response = await this.call(
      addr,
      this.command(
        RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
        SEARCH_OFFSET_REQUEST_HEADER.encode({ topic, queueId, timestamp, boundaryType }),
      ),
    );
    return decodeOffsetResponseHeader(response.extFields).offset ?? 0;
  }

  /** Returns the broker's MQVersion ordinal (from the response). */
  async sendHeartbeat(addr: string, data: HeartbeatData, timeoutMs?: number): Promise<number> {
    const response = await this.call(
      addr,
      this.command(RequestCode.HEART_BEAT, null, encodeHeartbeatData(data)),
      undefined,
      timeoutMs,
    );
    return response.version;
  }

  async unregisterClient(
    addr: string,
    clientID: string,
    groups: { producerGroup?: string; consumerGroup?: string },
  ): Promise<void> {
    const extFields: ExtFields = { clientID };
    if (groups.producerGroup !== undefined) extFields['producerGroup'] = groups.producerGroup;
    if (groups.consumerGroup !== undefined) extFields['consumerGroup'] = groups.consumerGroup;
    await this.call(addr, this.command(RequestCode.UNREGISTER_CLIENT, extFields));
  }

  async getConsumerIdList(addr: string, consumerGroup: string): Promise<string[]> {
    const response = await this.call(addr, this.command(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup }));
    return response.body === null ? [] : decodeConsumerListBody(response.body).consumerIdList;
  }

  async consumerSendMessageBack(
    addr: string,
    header: ConsumerSendMsgBackRequestHeader,
    timeoutMs = 5000,
  ): Promise<void> {
    await this.call(
      addr,
      this.command(RequestCode.CONSUMER_SEND_MSG_BACK, CONSUMER_SEND_MSG_BACK_REQUEST_HEADER.encode(header)),
      undefined,
      timeoutMs,
    );
  }

  async lockBatchMQ(
    addr: string,
    consumerGroup: string,
    clientId: string,
    mqSet: MessageQueue[],
    timeoutMs?: number,
  ): Promise<MessageQueue[]> {
    const body = encodeLockBatchRequestBody({ consumerGroup, clientId, mqSet, onlyThisBroker: false });
    const response = await this.call(addr, this.command(RequestCode.LOCK_BATCH_MQ, null, body), undefined, timeoutMs);
    return response.body === null ? [] : decodeLockBatchResponseBody(response.body).lockOKMQSet;
  }

  async unlockBatchMQ(
    addr: string,
    consumerGroup: string,
    clientId: string,
    mqSet: MessageQueue[],
    oneway: boolean,
  ): Promise<void> {
    const request = this.command(
      RequestCode.UNLOCK_BATCH_MQ,
      null,
      encodeUnlockBatchRequestBody({ consumerGroup, clientId, mqSet, onlyThisBroker: false }),
      oneway,
    );
    if (oneway) await this.remoting.invokeOneway(addr, request);
    else await this.call(addr, request);
  }

  /** END_TRANSACTION, oneway as Java sends it, or as a request whose error code is thrown. */
  async endTransaction(
    addr: string,
    header: EndTransactionRequestHeader,
    remark: string | null,
    oneway = true,
  ): Promise<void> {
    const request = this.command(
      RequestCode.END_TRANSACTION,
      END_TRANSACTION_REQUEST_HEADER.encode(header),
      null,
      oneway,
    );
    request.remark = remark;
    if (oneway) await this.remoting.invokeOneway(addr, request);
    else await this.call(addr, request);
  }

  async viewMessage(addr: string, offset: number): Promise<StoredMessage> {
    const response = await this.call(addr, this.command(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(offset) }));
    const [message] = response.body === null ? [] : decodeStoredMessages(response.body);
    if (message === undefined) throw new MQBrokerError(ResponseCode.SYSTEM_ERROR, 'empty message body', addr);
    return message;
  }

  /** Messages of `topic` indexed under `key` (or, with `uniqueKey`, that UNIQ_KEY); [] when none. */
  async queryMessage(
    addr: string,
    topic: string,
    key: string,
    maxNum: number,
    beginTimestamp: number,
    endTimestamp: number,
    uniqueKey: boolean,
  ): Promise<StoredMessage[]> {
    const extFields = QUERY_MESSAGE_REQUEST_HEADER.encode({ topic, key, maxNum, beginTimestamp, endTimestamp });
    if (uniqueKey) extFields[UNIQUE_KEY_QUERY] = 'true';
    const response = await this.call(addr, this.command(RequestCode.QUERY_MESSAGE, extFields), [
      ResponseCode.SUCCESS,
      ResponseCode.QUERY_NOT_FOUND,
    ]);
    return response.code === ResponseCode.QUERY_NOT_FOUND || response.body === null
      ? []
      : decodeStoredMessages(response.body);
  }
}
