/**
 * The last step of a push or lite-pull consumer's shutdown: the instance forgets the group, and every known
 * broker is told (UNREGISTER_CLIENT) so the group rebalances without waiting for the channel to expire.
 */
import type { Logger } from '@rocketnest/protocol';
import type { ClientInstance } from '../instance/client-instance.js';

/** Best effort: a broker that does not answer only delays its rebalance, so failures are logged at debug. */
export async function unregisterConsumerGroup(instance: ClientInstance, group: string, logger: Logger): Promise<void> {
  instance.unregisterConsumer(group);
  await Promise.all(
    instance.brokers.addresses(false).map((addr) =>
      instance.api.unregisterClient(addr, instance.clientId, { consumerGroup: group }).catch((error: unknown) => {
        logger.debug('unregister failed', { brokerAddr: addr, error: String(error) });
      }),
    ),
  );
}
