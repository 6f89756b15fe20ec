import type { Logger } from '@rocketnest/protocol';
import type { RemotingServer } from '@rocketnest/remoting';
import type { MessageStore } from '@rocketnest/store';
import type { ResolvedBrokerOptions } from './broker-options.js';
import type { ConsumerManager } from './client-manager/consumer-manager.js';
import type { ProducerManager } from './client-manager/producer-manager.js';
import type { PullRequestHoldService } from './long-polling/pull-request-hold-service.js';
import type { ConsumerOffsetManager } from './metadata/consumer-offset-manager.js';
import type { SubscriptionGroupManager } from './metadata/subscription-group-manager.js';
import type { TopicConfigManager } from './metadata/topic-config-manager.js';
import type { PutPipeline } from './put/put-pipeline.js';

/**
 * Everything a processor or a broker service may use (BrokerController upstream), handed to them at
 * construction. One instance per Broker.
 */
export interface BrokerContext {
  readonly options: ResolvedBrokerOptions;
  readonly logger: Logger;
  readonly store: MessageStore;
  readonly server: RemotingServer;
  readonly topicConfigs: TopicConfigManager;
  readonly subscriptionGroups: SubscriptionGroupManager;
  readonly consumerOffsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  readonly pullHold: PullRequestHoldService;
  readonly puts: PutPipeline;
  /** `brokerIP1:port` once listening: the store host of every record and the address in routes. */
  readonly brokerAddr: () => string;
}
