import type { Logger } from '@rocketnest/protocol';
import type { KVConfigManager } from '../kv-config-manager.js';
import type { ResolvedNameServerOptions } from '../name-server-options.js';
import type { RouteInfoManager } from '../route-info-manager.js';

/** What every NameServer processor works on. */
export interface NamesrvContext {
  readonly options: ResolvedNameServerOptions;
  readonly routes: RouteInfoManager;
  readonly kvConfig: KVConfigManager;
  readonly logger: Logger;
}
