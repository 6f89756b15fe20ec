/**
 * The NameServer settings that UPDATE_NAMESRV_CONFIG (318) may change while it runs, and the Java-named view
 * GET_NAMESRV_CONFIG (319) answers with (NamesrvConfig + NettyServerConfig field names). Changes live in
 * memory only: Java would also rewrite its `configStorePath` file, which we do not have.
 */
import { parseJavaLong } from '@rocketnest/protocol';
import type { ResolvedNameServerOptions } from './name-server-options.js';

/** Keys Java refuses to update (NamesrvConfig.configBlackList default). */
export const NAMESRV_CONFIG_BLACK_LIST: readonly string[] = Object.freeze([
  'configBlackList',
  'configStorePath',
  'kvConfigPath',
]);

export interface NamesrvSettings {
  orderMessageEnable: boolean;
  enableAllTopicList: boolean;
  enableTopicList: boolean;
  returnOrderTopicConfigToBroker: boolean;
  scanIntervalMs: number;
}

export type NamesrvSettingsUpdate =
  | { readonly ok: true; readonly applied: readonly string[]; readonly ignored: readonly string[] }
  | { readonly ok: false; readonly blackListed: readonly string[] };

type BooleanSetting =
  'orderMessageEnable' | 'enableAllTopicList' | 'enableTopicList' | 'returnOrderTopicConfigToBroker';

const BOOLEAN_SETTINGS: readonly BooleanSetting[] = [
  'orderMessageEnable',
  'enableAllTopicList',
  'enableTopicList',
  'returnOrderTopicConfigToBroker',
];

/** Java name of the scan interval. */
const SCAN_INTERVAL_KEY = 'scanNotActiveBrokerInterval';

export function initialNamesrvSettings(options: ResolvedNameServerOptions): NamesrvSettings {
  return {
    orderMessageEnable: options.orderMessageEnable,
    enableAllTopicList: options.enableAllTopicList,
    enableTopicList: options.enableTopicList,
    returnOrderTopicConfigToBroker: options.returnOrderTopicConfigToBroker,
    scanIntervalMs: options.scanIntervalMs,
  };
}

/**
 * Applies `entries` to `settings` the way Java's Configuration.update does: unknown keys and values that do
 * not parse are ignored, and nothing changes when a black-listed key is present.
 */
export function updateNamesrvSettings(
  settings: NamesrvSettings,
  entries: ReadonlyMap<string, string>,
): NamesrvSettingsUpdate {
  const blackListed = [...entries.keys()].filter((key) => NAMESRV_CONFIG_BLACK_LIST.includes(key));
  if (blackListed.length > 0) return { ok: false, blackListed };
  const applied: string[] = [];
  const ignored: string[] = [];
  for (const [key, value] of entries) {
    if ((BOOLEAN_SETTINGS as readonly string[]).includes(key)) {
      // Boolean.parseBoolean: anything but "true" (any case) is false.
      settings[key as BooleanSetting] = value.toLowerCase() === 'true';
      applied.push(key);
      continue;
    }
    const interval = key === SCAN_INTERVAL_KEY ? parseJavaLong(value) : undefined;
    if (interval !== undefined && interval > 0) {
      settings.scanIntervalMs = interval;
      applied.push(key);
      continue;
    }
    ignored.push(key);
  }
  return { ok: true, applied, ignored };
}

/** The GET_NAMESRV_CONFIG view, Java field names. */
export function namesrvConfigEntries(
  options: ResolvedNameServerOptions,
  settings: Readonly<NamesrvSettings>,
  listenPort: number,
): Map<string, string> {
  const entries = new Map<string, string>();
  entries.set('listenPort', String(listenPort));
  entries.set('bindAddress', options.host);
  entries.set('kvConfigPath', options.kvConfigPath ?? '');
  entries.set('configBlackList', NAMESRV_CONFIG_BLACK_LIST.join(';'));
  entries.set(SCAN_INTERVAL_KEY, String(settings.scanIntervalMs));
  for (const key of BOOLEAN_SETTINGS) entries.set(key, String(settings[key]));
  return entries;
}
