/**
 * SEND_MESSAGE (10, V1 keys), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320, V2 keys, `m=true`):
 * broker-semantics.md Appendix A in order, 4.3 for direct sends to %RETRY% topics, 1.11 for put statuses.
 * Request-reply sends (324/325) reuse `validateAndPrepare` from the reply processor.
 */
import {
  DEFAULT_TOPIC_PERM,
  MAX_PROPERTIES_BYTES,
  MSG_REGION,
  MessageConst,
  MessageSysFlag,
  RemotingCommand,
  ResponseCode,
  SEND_MESSAGE_REQUEST_HEADER,
  SendMessageRequestHeader,
  TRACE_ON,
  TopicConfig,
  appendProperty,
  createUniqKey,
  decodeBatchBodyRaw,
  decodeSendRequestHeaderForCode,
  dlqTopic,
  encodeSendMessageResponseHeader,
  groupOfRetryOrDlqTopic,
  hasProperty,
  isNotAllowedSendTopic,
  isRetryTopic,
  isWriteable,
  readProperty,
  removeProperty,
  validateTopicName,
  ProtocolError,
} from '@rocketnest/protocol';
import type { RemotingConnection } from '@rocketnest/remoting';
import { PutMessageResult, PutMessageStatus, isPutStored } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context.js';
import type { MessageToPut } from '../put/message-to-put.js';
import { checkRequired, replyWith } from './responses.js';

export type ValidSendHeader = Partial<SendMessageRequestHeader> &
  Required<
    Pick<
      SendMessageRequestHeader,
      | 'producerGroup'
      | 'topic'
      | 'defaultTopic'
      | 'defaultTopicQueueNums'
      | 'queueId'
      | 'sysFlag'
      | 'bornTimestamp'
      | 'flag'
    >
  >;

/** What validation decided: the target and the header, or the error response to send. */
export type PreparedSend =
  { header: ValidSendHeader; topicConfig: TopicConfig; queueId: number } | { response: RemotingCommand };

/** Java's version of V3_4_9: from it on, %RETRY% sends carry maxReconsumeTimes in the header. */
const VERSION_WITH_MAX_RECONSUME_TIMES = 121;

const PUT_STATUS_TO_CODE: Readonly<Record<PutMessageStatus, number>> = {
  PUT_OK: ResponseCode.SUCCESS,
  FLUSH_DISK_TIMEOUT: ResponseCode.FLUSH_DISK_TIMEOUT,
  FLUSH_SLAVE_TIMEOUT: ResponseCode.FLUSH_SLAVE_TIMEOUT,
  SLAVE_NOT_AVAILABLE: ResponseCode.SLAVE_NOT_AVAILABLE,
  CREATE_MAPPED_FILE_FAILED: ResponseCode.SYSTEM_ERROR,
  MESSAGE_ILLEGAL: ResponseCode.MESSAGE_ILLEGAL,
  PROPERTIES_SIZE_EXCEEDED: ResponseCode.MESSAGE_ILLEGAL,
  SERVICE_NOT_AVAILABLE: ResponseCode.SERVICE_NOT_AVAILABLE,
  OS_PAGECACHE_BUSY: ResponseCode.SYSTEM_BUSY,
  UNKNOWN_ERROR: ResponseCode.SYSTEM_ERROR,
};

const PUT_STATUS_REMARK: Readonly<Partial<Record<PutMessageStatus, string>>> = {
  CREATE_MAPPED_FILE_FAILED: 'create mapped file failed, server is busy or broken.',
  SERVICE_NOT_AVAILABLE:
    "service not available now. It may be caused by one of the following reasons: the broker's disk is full, messages are put to the slave, message store has been shut down, etc.",
  OS_PAGECACHE_BUSY: '[PC_SYNCHRONIZED]broker busy, start flow control for a while',
  UNKNOWN_ERROR: 'UNKNOWN_ERROR',
};

export class SendMessageProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  /** Flow control before any work (Appendix A step 1): the store is lagging. */
  rejectRequest(): boolean {
    return this.ctx.store.isOSPageCacheBusy();
  }

  readonly processRequest = async (
    request: RemotingCommand,
    connection: RemotingConnection,
  ): Promise<RemotingCommand> => {
    const prepared = this.validateAndPrepare(request);
    if ('response' in prepared) return prepared.response;
    const { header } = prepared;
    if (header.batch === true) return this.sendBatch(request, connection, prepared);
    return this.sendSingle(request, connection, prepared);
  };

  /** Appendix A steps 3-7 for every send code. */
  validateAndPrepare(request: RemotingCommand): PreparedSend {
    const { options, topicConfigs, subscriptionGroups } = this.ctx;
    const decoded = decodeSendRequestHeaderForCode(request.code, request.extFields);
    const missing = checkRequired(request, decoded, SEND_MESSAGE_REQUEST_HEADER.required);
    if (missing !== undefined) return { response: this.withTrace(missing) };
    const header = decoded as ValidSendHeader;
    const fail = (code: number, remark: string): PreparedSend => ({ response: this.error(request, code, remark) });

    if (!isWriteable(options.brokerPermission)) {
      return fail(ResponseCode.NO_PERMISSION, `the broker[${options.brokerIP1}] sending message is forbidden`);
    }
    const check = validateTopicName(header.topic);
    if (!check.valid) return fail(ResponseCode.INVALID_PARAMETER, check.reason);
    if (isNotAllowedSendTopic(header.topic)) {
      return fail(ResponseCode.NO_PERMISSION, `Sending message to topic[${header.topic}] is forbidden.`);
    }

    let topicConfig = topicConfigs.get(header.topic);
    if (topicConfig === undefined) {
      const retryGroup = isRetryTopic(header.topic) ? groupOfRetryOrDlqTopic(header.topic) : undefined;
      if (retryGroup !== undefined) {
        const group = subscriptionGroups.findOrCreate(retryGroup);
        if (group !== undefined)
          topicConfig = topicConfigs.createTopicIfAbsent(header.topic, group.retryQueueNums, DEFAULT_TOPIC_PERM);
      } else {
        topicConfig = topicConfigs.createTopicInSendMessageMethod(
          header.topic,
          header.defaultTopic,
          header.defaultTopicQueueNums,
          0,
        );
      }
    }
    if (topicConfig === undefined) {
      return fail(ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please!`);
    }
    if (!isWriteable(topicConfig.perm)) {
      return fail(ResponseCode.NO_PERMISSION, `the topic[${header.topic}] sending message is forbidden`);
    }
    const queueNums = Math.max(topicConfig.writeQueueNums, topicConfig.readQueueNums);
    if (header.queueId >= queueNums) {
      return fail(
        ResponseCode.INVALID_PARAMETER,
        `request queueId[${header.queueId}] is illegal, ${header.topic} Producer: ${request.language}`,
      );
    }
    const queueId =
      header.queueId < 0 ? Math.floor(Math.random() * 99_999_999) % topicConfig.writeQueueNums : header.queueId;
    return { header, topicConfig, queueId };
  }

  private async sendSingle(
    request: RemotingCommand,
    connection: RemotingConnection,
    prepared: Extract<PreparedSend, { header: ValidSendHeader }>,
  ): Promise<RemotingCommand> {
    const { header, topicConfig } = prepared;
    const body = request.body ?? Buffer.alloc(0);
    if (body.length > this.ctx.options.maxMessageSizeBytes) {
      return this.error(
        request,
        ResponseCode.MESSAGE_ILLEGAL,
        `the message body size over max value, MAX: ${this.ctx.options.maxMessageSizeBytes}`,
      );
    }
    const message = this.toMessage(header, prepared.queueId, body, connection);
    if (Buffer.byteLength(message.properties) > MAX_PROPERTIES_BYTES) {
      return this.error(
        request,
        ResponseCode.MESSAGE_ILLEGAL,
        `the message properties size over max value, MAX: ${MAX_PROPERTIES_BYTES}`,
      );
    }
    if (topicConfig.topicFilterType === 'MULTI_TAG') message.sysFlag |= MessageSysFlag.MULTI_TAGS_FLAG;
    const redirect = this.redirectRetryToDlq(request, header, message);
    if (redirect !== undefined) return redirect;
    const uniqKey = readProperty(message.properties, MessageConst.UNIQ_KEY) ?? '';
    const result = await this.ctx.puts.put(message);
    return this.putResponse(request, result, prepared.queueId, uniqKey);
  }

  private async sendBatch(
    request: RemotingCommand,
    connection: RemotingConnection,
    prepared: Extract<PreparedSend, { header: ValidSendHeader }>,
  ): Promise<RemotingCommand> {
    const { header } = prepared;
    if (isRetryTopic(header.topic)) {
      return this.error(
        request,
        ResponseCode.MESSAGE_ILLEGAL,
        `batch request does not support retry group ${header.topic}`,
      );
    }
    const body = request.body ?? Buffer.alloc(0);
    if (body.length > this.ctx.options.maxMessageSizeBytes) {
      return this.error(
        request,
        ResponseCode.MESSAGE_ILLEGAL,
        `the message body size over max value, MAX: ${this.ctx.options.maxMessageSizeBytes}`,
      );
    }
    let entries;
    try {
      entries = decodeBatchBodyRaw(body);
    } catch (error) {
      const reason = error instanceof ProtocolError ? error.message : String(error);
      return this.error(request, ResponseCode.MESSAGE_ILLEGAL, `malformed batch body: ${reason}`);
    }
    if (entries.length === 0) return this.error(request, ResponseCode.MESSAGE_ILLEGAL, 'empty batch');
    for (const entry of entries) {
      if (hasProperty(entry.properties, MessageConst.DELAY)) {
        return this.error(request, ResponseCode.MESSAGE_ILLEGAL, 'batch message does not support delay level');
      }
    }
    const result = await this.ctx.store.putMessages({
      topic: header.topic,
      queueId: prepared.queueId,
      sysFlag: header.sysFlag,
      bornTimestamp: header.bornTimestamp,
      bornHost: connection.remoteAddress,
      storeHost: this.ctx.brokerAddr(),
      reconsumeTimes: header.reconsumeTimes ?? 0,
      messages: entries,
      waitStoreMsgOK: readProperty(header.properties ?? '', MessageConst.WAIT) !== 'false',
    });
    // transactionId is the UNIQ_KEY of the batch itself (Java sets one on the MessageBatch), as Apache answers;
    // clients build the batch's msgId from the UNIQ_KEYs they gave its messages (remoting-protocol.md 2.1.2).
    const uniqKey = readProperty(header.properties ?? '', MessageConst.UNIQ_KEY) ?? '';
    return this.putResponse(request, result, prepared.queueId, uniqKey);
  }

  /** Appendix A step 9: the stored properties carry UNIQ_KEY (generated if absent) and CLUSTER, not WAIT. */
  toMessage(header: ValidSendHeader, queueId: number, body: Buffer, connection: RemotingConnection): MessageToPut {
    let properties = header.properties ?? '';
    const wait = readProperty(properties, MessageConst.WAIT);
    if (wait !== undefined) properties = removeProperty(properties, MessageConst.WAIT);
    if (!hasProperty(properties, MessageConst.UNIQ_KEY))
      properties = appendProperty(properties, MessageConst.UNIQ_KEY, createUniqKey());
    if (!hasProperty(properties, MessageConst.CLUSTER))
      properties = appendProperty(properties, MessageConst.CLUSTER, this.ctx.options.clusterName);
    return {
      topic: header.topic,
      queueId,
      flag: header.flag,
      sysFlag: header.sysFlag,
      bornTimestamp: header.bornTimestamp,
      bornHost: connection.remoteAddress,
      storeHost: this.ctx.brokerAddr(),
      reconsumeTimes: header.reconsumeTimes ?? 0,
      preparedTransactionOffset: 0,
      body,
      properties,
      waitStoreMsgOK: wait !== 'false',
    };
  }

  /** 4.3: a direct send to %RETRY%G past its max reconsume times goes to %DLQ%G queue 0, undelayed. */
  private redirectRetryToDlq(
    request: RemotingCommand,
    header: ValidSendHeader,
    message: MessageToPut,
  ): RemotingCommand | undefined {
    if (!isRetryTopic(header.topic)) return undefined;
    const groupName = groupOfRetryOrDlqTopic(header.topic)!;
    const group = this.ctx.subscriptionGroups.findOrCreate(groupName);
    if (group === undefined) {
      return this.error(
        request,
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group not exist, ${groupName}`,
      );
    }
    const maxReconsumeTimes =
      request.version >= VERSION_WITH_MAX_RECONSUME_TIMES && header.maxReconsumeTimes !== undefined
        ? header.maxReconsumeTimes
        : group.retryMaxTimes;
    if (message.reconsumeTimes < maxReconsumeTimes) return undefined;
    const dlq = dlqTopic(groupName);
    this.ctx.topicConfigs.createTopicIfAbsent(dlq, 1, DEFAULT_TOPIC_PERM);
    message.topic = dlq;
    message.queueId = 0;
    message.properties = removeProperty(message.properties, MessageConst.DELAY);
    return undefined;
  }

  putResponse(request: RemotingCommand, result: PutMessageResult, queueId: number, uniqKey: string): RemotingCommand {
    const code = PUT_STATUS_TO_CODE[result.status];
    if (!isPutStored(result.status)) {
      const remark =
        PUT_STATUS_REMARK[result.status] ??
        `${result.status}${result.remark === undefined ? '' : `: ${result.remark}`}`;
      return this.error(request, code, remark);
    }
    const extFields = encodeSendMessageResponseHeader({
      msgId: result.msgId,
      queueId,
      queueOffset: result.queueOffset,
      transactionId: uniqKey,
    });
    this.addTraceFields(extFields);
    return replyWith(request, code, extFields);
  }

  error(request: RemotingCommand, code: number, remark: string): RemotingCommand {
    return this.withTrace(replyWith(request, code, {}, null, remark));
  }

  private withTrace(response: RemotingCommand): RemotingCommand {
    response.extFields ??= {};
    this.addTraceFields(response.extFields);
    return response;
  }

  private addTraceFields(extFields: Record<string, string>): void {
    extFields[MSG_REGION] = this.ctx.options.regionId;
    extFields[TRACE_ON] = String(this.ctx.options.traceOn);
  }
}
