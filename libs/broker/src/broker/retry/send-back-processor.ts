/**
 * CONSUMER_SEND_MSG_BACK (36): a consumer failed a message (broker-semantics.md 4.2). The copy goes to
 * `%RETRY%<group>` with delay level 3 + reconsumeTimes (or the level asked for), and to `%DLQ%<group>`
 * once it used up its reconsume times or when the consumer asks for it (delay level -1).
 */
import {
  CONSUMER_SEND_MSG_BACK_REQUEST_HEADER,
  DEFAULT_TOPIC_PERM,
  MessageConst,
  RemotingCommand,
  ResponseCode,
  dlqTopic,
  encodeProperties,
  isWriteable,
  retryTopic,
} from '@rocketnest/protocol';
import { isPutStored } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context.js';
import { checkRequired, reply } from '../processor/responses.js';

/** Java V3_4_9: from it on the request's maxReconsumeTimes is honoured. */
const VERSION_WITH_MAX_RECONSUME_TIMES = 121;

export class SendBackProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  readonly processRequest = async (request: RemotingCommand): Promise<RemotingCommand> => {
    const header = CONSUMER_SEND_MSG_BACK_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, CONSUMER_SEND_MSG_BACK_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    const { subscriptionGroups, topicConfigs, store, options, puts } = this.ctx;
    const groupName = header.group!;
    const group = subscriptionGroups.findOrCreate(groupName);
    if (group === undefined)
      return reply(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${groupName}`);
    if (!isWriteable(options.brokerPermission))
      return reply(
        request,
        ResponseCode.NO_PERMISSION,
        `the broker[${options.brokerIP1}] sending message is forbidden`,
      );
    if (group.retryQueueNums <= 0) return reply(request, ResponseCode.SUCCESS);

    const retry = topicConfigs.createTopicIfAbsent(retryTopic(groupName), group.retryQueueNums, DEFAULT_TOPIC_PERM);
    if (!isWriteable(retry.perm))
      return reply(request, ResponseCode.NO_PERMISSION, `the topic[${retry.topicName}] sending message is forbidden`);
    const original = header.offset! < 0 ? undefined : await store.lookMessageByOffset(header.offset!);
    if (original === undefined)
      return reply(request, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${header.offset}`);

    const properties: Record<string, string> = { ...original.properties };
    properties[MessageConst.RETRY_TOPIC] ??= original.topic;
    properties[MessageConst.ORIGIN_MESSAGE_ID] ??= original.offsetMsgId;
    delete properties[MessageConst.WAIT];
    const maxReconsumeTimes =
      request.version >= VERSION_WITH_MAX_RECONSUME_TIMES && header.maxReconsumeTimes !== undefined
        ? header.maxReconsumeTimes
        : group.retryMaxTimes;
    let topic = retry.topicName;
    let queueId = Math.floor(Math.random() * 99_999_999) % group.retryQueueNums;
    const delayLevel = header.delayLevel!;
    if (original.reconsumeTimes >= maxReconsumeTimes || delayLevel < 0) {
      topic = topicConfigs.createTopicIfAbsent(dlqTopic(groupName), 1, DEFAULT_TOPIC_PERM).topicName;
      queueId = 0;
      delete properties[MessageConst.DELAY];
    } else {
      properties[MessageConst.DELAY] = String(delayLevel === 0 ? 3 + original.reconsumeTimes : delayLevel);
    }
    const result = await puts.put({
      topic,
      queueId,
      flag: original.flag,
      sysFlag: original.sysFlag,
      bornTimestamp: original.bornTimestamp,
      bornHost: original.bornHost,
      storeHost: this.ctx.brokerAddr(),
      reconsumeTimes: original.reconsumeTimes + 1,
      preparedTransactionOffset: 0,
      body: original.body,
      properties: encodeProperties(properties),
      waitStoreMsgOK: false,
    });
    return isPutStored(result.status)
      ? reply(request, ResponseCode.SUCCESS)
      : reply(request, ResponseCode.SYSTEM_ERROR, result.status);
  };
}
