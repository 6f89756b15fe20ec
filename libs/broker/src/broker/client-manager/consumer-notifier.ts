import { DEFAULT_SERVER_VERSION, Logger, RequestCode, createRequest } from '@rocketnest/protocol';
import type { ConsumerManager } from './consumer-manager.js';

/** Sends NOTIFY_CONSUMER_IDS_CHANGED (oneway) to every member of a group (remoting-protocol.md 2.4.5). */
export class ConsumerNotifier {
  constructor(
    private readonly consumers: ConsumerManager,
    private readonly enabled: boolean,
    private readonly logger: Logger,
  ) {}

  notifyGroup(group: string): void {
    if (!this.enabled) return;
    const info = this.consumers.get(group);
    if (info === undefined) return;
    for (const connection of info.channels.keys()) {
      const request = createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, {
        extFields: { consumerGroup: group },
        oneway: true,
        version: DEFAULT_SERVER_VERSION,
      });
      connection.invokeOneway(request).catch((error: unknown) => {
        this.logger.warn('notify consumer ids changed failed', {
          group,
          client: connection.remoteAddress,
          error: String(error),
        });
      });
    }
  }
}
