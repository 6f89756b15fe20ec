import type { Logger } from '@rocketnest/protocol';
import type { KVConfigManager } from '../kv-config-manager.js';
import type { ResolvedNameServerOptions } from '../name-server-options.js';
import type { NamesrvSettings } from '../namesrv-settings.js';
import type { RouteInfoManager } from '../route-info-manager.js';

/** What every NameServer processor works on. */
export interface NamesrvContext {
  readonly options: ResolvedNameServerOptions;
  /** The options UPDATE_NAMESRV_CONFIG may change; processors read these, not `options`. */
  readonly settings: NamesrvSettings;
  readonly routes: RouteInfoManager;
  readonly kvConfig: KVConfigManager;
  readonly logger: Logger;
  /** The port actually bound (differs from options.port when that is 0). */
  listenPort(): number;
  /** Called after UPDATE_NAMESRV_CONFIG applied a change (re-arms the expiry scan). */
  onSettingsChanged(): void;
}
