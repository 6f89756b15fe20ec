/**
 * Every request code the broker serves, in one place: a feature adds its processor with one line here.
 * Codes not listed get REQUEST_CODE_NOT_SUPPORTED from the remoting layer.
 */
import { RequestCode } from '@rocketnest/protocol';
import type { BrokerContext } from './broker-context.js';
import type { ConsumerNotifier } from './client-manager/consumer-notifier.js';
import { AdminProcessor } from './processor/admin-processor.js';
import { LockProcessor } from './lock/lock-processor.js';
import type { RebalanceLockManager } from './lock/rebalance-lock-manager.js';
import { ReplyMessageProcessor } from './reply/reply-message-processor.js';
import { SendBackProcessor } from './retry/send-back-processor.js';
import { EndTransactionProcessor } from './transaction/end-transaction-processor.js';
import type { TransactionOps } from './transaction/transaction-ops.js';
import { ClientManageProcessor } from './processor/client-manage-processor.js';
import { ConsumerManageProcessor } from './processor/consumer-manage-processor.js';
import { OffsetQueryProcessor } from './processor/offset-query-processor.js';
import { PullMessageProcessor } from './processor/pull-message-processor.js';
import { SendMessageProcessor } from './processor/send-message-processor.js';

export interface BrokerProcessors {
  readonly send: SendMessageProcessor;
  readonly pull: PullMessageProcessor;
}

export interface BrokerFeatures {
  readonly locks: RebalanceLockManager;
  readonly transactionOps: TransactionOps;
}

export function registerBrokerProcessors(
  ctx: BrokerContext,
  notifier: ConsumerNotifier,
  features: BrokerFeatures,
): BrokerProcessors {
  const { server } = ctx;
  const send = new SendMessageProcessor(ctx);
  const sendProcessor = { processRequest: send.processRequest, rejectRequest: () => send.rejectRequest() };
  server.registerProcessor(RequestCode.SEND_MESSAGE, sendProcessor);
  server.registerProcessor(RequestCode.SEND_MESSAGE_V2, sendProcessor);
  server.registerProcessor(RequestCode.SEND_BATCH_MESSAGE, sendProcessor);

  const pull = new PullMessageProcessor(ctx);
  server.registerProcessor(RequestCode.PULL_MESSAGE, pull.processRequest);
  server.registerProcessor(RequestCode.LITE_PULL_MESSAGE, pull.processRequest);

  const clients = new ClientManageProcessor(ctx, notifier);
  server.registerProcessor(RequestCode.HEART_BEAT, clients.heartbeat);
  server.registerProcessor(RequestCode.UNREGISTER_CLIENT, clients.unregisterClient);
  server.registerProcessor(RequestCode.CHECK_CLIENT_CONFIG, clients.checkClientConfig);

  const consumers = new ConsumerManageProcessor(ctx);
  server.registerProcessor(RequestCode.GET_CONSUMER_LIST_BY_GROUP, consumers.getConsumerList);
  server.registerProcessor(RequestCode.QUERY_CONSUMER_OFFSET, consumers.queryConsumerOffset);
  server.registerProcessor(RequestCode.UPDATE_CONSUMER_OFFSET, consumers.updateConsumerOffset);

  const offsets = new OffsetQueryProcessor(ctx);
  server.registerProcessor(RequestCode.GET_MAX_OFFSET, offsets.getMaxOffset);
  server.registerProcessor(RequestCode.GET_MIN_OFFSET, offsets.getMinOffset);
  server.registerProcessor(RequestCode.GET_EARLIEST_MSG_STORETIME, offsets.getEarliestMsgStoretime);
  server.registerProcessor(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, offsets.searchOffsetByTimestamp);
  server.registerProcessor(RequestCode.VIEW_MESSAGE_BY_ID, offsets.viewMessageById);
  server.registerProcessor(RequestCode.QUERY_MESSAGE, offsets.queryMessage);

  const admin = new AdminProcessor(ctx);
  server.registerProcessor(RequestCode.UPDATE_AND_CREATE_TOPIC, admin.updateAndCreateTopic);
  server.registerProcessor(RequestCode.DELETE_TOPIC_IN_BROKER, admin.deleteTopic);
  server.registerProcessor(RequestCode.GET_ALL_TOPIC_CONFIG, admin.getAllTopicConfig);
  server.registerProcessor(RequestCode.GET_TOPIC_CONFIG, admin.getTopicConfig);
  server.registerProcessor(RequestCode.GET_TOPIC_STATS_INFO, admin.getTopicStatsInfo);
  server.registerProcessor(RequestCode.GET_CONSUME_STATS, admin.getConsumeStats);
  server.registerProcessor(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, admin.getAllSubscriptionGroupConfig);
  server.registerProcessor(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, admin.updateAndCreateSubscriptionGroup);
  server.registerProcessor(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, admin.getSubscriptionGroupConfig);
  server.registerProcessor(RequestCode.DELETE_SUBSCRIPTIONGROUP, admin.deleteSubscriptionGroup);
  server.registerProcessor(RequestCode.GET_CONSUMER_CONNECTION_LIST, admin.getConsumerConnectionList);
  server.registerProcessor(RequestCode.GET_PRODUCER_CONNECTION_LIST, admin.getProducerConnectionList);
  server.registerProcessor(RequestCode.GET_BROKER_RUNTIME_INFO, admin.getBrokerRuntimeInfo);
  server.registerProcessor(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, admin.queryTopicConsumeByWho);
  server.registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO, admin.getConsumerRunningInfo);
  server.registerProcessor(RequestCode.CONSUME_MESSAGE_DIRECTLY, admin.consumeMessageDirectly);
  server.registerProcessor(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, admin.resetOffset);

  server.registerProcessor(RequestCode.CONSUMER_SEND_MSG_BACK, new SendBackProcessor(ctx).processRequest);
  server.registerProcessor(
    RequestCode.END_TRANSACTION,
    new EndTransactionProcessor(ctx, features.transactionOps).processRequest,
  );
  const locks = new LockProcessor(features.locks);
  server.registerProcessor(RequestCode.LOCK_BATCH_MQ, locks.lock);
  server.registerProcessor(RequestCode.UNLOCK_BATCH_MQ, locks.unlock);
  const replies = new ReplyMessageProcessor(ctx, send, ctx.options.storeReplyMessageEnable);
  server.registerProcessor(RequestCode.SEND_REPLY_MESSAGE, replies.processRequest);
  server.registerProcessor(RequestCode.SEND_REPLY_MESSAGE_V2, replies.processRequest);

  return { send, pull };
}
