/**
 * HEART_BEAT (34), UNREGISTER_CLIENT (35), CHECK_CLIENT_CONFIG (46): broker-semantics.md 3.1,
 * remoting-protocol.md 2.4. Membership changes are pushed to the group with NOTIFY_CONSUMER_IDS_CHANGED.
 */
import {
  DEFAULT_TOPIC_PERM,
  ExpressionType,
  HeartbeatData,
  RemotingCommand,
  ResponseCode,
  UNREGISTER_CLIENT_REQUEST_HEADER,
  decodeCheckClientRequestBody,
  decodeHeartbeatData,
  encodeHeartbeatResponseHeader,
  retryTopic,
} from '@rocketnest/protocol';
import type { RemotingConnection } from '@rocketnest/remoting';
import type { BrokerContext } from '../broker-context.js';
import type { ClientChannelInfo } from '../client-manager/client-channel.js';
import type { ConsumerNotifier } from '../client-manager/consumer-notifier.js';
import { checkRequired, reply, replyWith } from './responses.js';

export class ClientManageProcessor {
  constructor(
    private readonly ctx: BrokerContext,
    private readonly notifier: ConsumerNotifier,
  ) {}

  readonly heartbeat = (request: RemotingCommand, connection: RemotingConnection): RemotingCommand => {
    let data: HeartbeatData;
    try {
      data = decodeHeartbeatData(request.body ?? Buffer.from('{}'));
    } catch (error) {
      return reply(request, ResponseCode.SYSTEM_ERROR, `malformed heartbeat body: ${String(error)}`);
    }
    const now = Date.now();
    const channel = (): ClientChannelInfo => ({
      connection,
      clientId: data.clientID,
      language: request.language,
      version: request.version,
      lastUpdateTimestamp: now,
    });
    let subscriptionsKnown = true;
    for (const consumer of data.consumerDataSet) {
      const group = this.ctx.subscriptionGroups.findOrCreate(consumer.groupName);
      if (group !== undefined && group.retryQueueNums > 0) {
        this.ctx.topicConfigs.createTopicIfAbsent(
          retryTopic(consumer.groupName),
          group.retryQueueNums,
          DEFAULT_TOPIC_PERM,
        );
      }
      const withoutSub = data.withoutSub === true && this.ctx.consumers.get(consumer.groupName) !== undefined;
      if (data.withoutSub === true && !withoutSub) subscriptionsKnown = false;
      const changed = this.ctx.consumers.register({
        group: consumer.groupName,
        channel: channel(),
        consumeType: consumer.consumeType,
        messageModel: consumer.messageModel,
        consumeFromWhere: consumer.consumeFromWhere,
        subscriptions: consumer.subscriptionDataSet,
        keepSubscriptions: withoutSub,
      });
      if (changed && (group?.notifyConsumerIdsChangedEnable ?? true)) this.notifier.notifyGroup(consumer.groupName);
    }
    for (const producer of data.producerDataSet) this.ctx.producers.register(producer.groupName, channel());
    const extFields = encodeHeartbeatResponseHeader({
      IS_SUPPORT_HEART_BEAT_V2: true,
      IS_SUB_CHANGE: data.withoutSub !== true || !subscriptionsKnown,
    });
    return replyWith(request, ResponseCode.SUCCESS, extFields);
  };

  readonly unregisterClient = (request: RemotingCommand, connection: RemotingConnection): RemotingCommand => {
    const header = UNREGISTER_CLIENT_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, UNREGISTER_CLIENT_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    if (header.producerGroup !== undefined) this.ctx.producers.unregister(header.producerGroup, connection);
    if (header.consumerGroup !== undefined && this.ctx.consumers.unregister(header.consumerGroup, connection)) {
      const group = this.ctx.subscriptionGroups.get(header.consumerGroup);
      if (group?.notifyConsumerIdsChangedEnable ?? true) this.notifier.notifyGroup(header.consumerGroup);
    }
    return reply(request, ResponseCode.SUCCESS);
  };

  /** TAG subscriptions are always fine; SQL92 needs property filtering, which this broker does not enable. */
  readonly checkClientConfig = (request: RemotingCommand): RemotingCommand => {
    try {
      const body = decodeCheckClientRequestBody(request.body ?? Buffer.from('{}'));
      const type = body.subscriptionData.expressionType || ExpressionType.TAG;
      if (type.toUpperCase() === ExpressionType.TAG) return reply(request, ResponseCode.SUCCESS);
      return reply(
        request,
        ResponseCode.SYSTEM_ERROR,
        'The broker does not support consumer to filter message by SQL92',
      );
    } catch (error) {
      return reply(request, ResponseCode.SYSTEM_ERROR, `malformed check client body: ${String(error)}`);
    }
  };
}
