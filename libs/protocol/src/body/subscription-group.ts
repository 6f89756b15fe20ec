/**
 * SubscriptionGroupConfig (remoting-protocol.md 2.9): the UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) body
 * and the entries of SubscriptionGroupWrapper (GET_ALL_SUBSCRIPTIONGROUP_CONFIG, 201). Missing members
 * take Java's initial values; unknown members are ignored. 5.x members are always written (4.x brokers
 * ignore them).
 */
import { encodeJsonBody, JsonMode, JsonWritable, JsonWritableBean } from './fastjson-writer.js';
import {
  asArray,
  asBool,
  asInt,
  asLong,
  asObject,
  asRecord,
  asString,
  asStringMap,
  newRecord,
  parseJsonBody,
} from './json-read.js';
import { DataVersion, dataVersionFromJson, dataVersionToJson } from './topic-config.js';
import { isJsonObject, JsonValue } from './tolerant-json.js';

export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  /** [5.x] */
  consumeMessageOrderly: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  /** [5.x] `{"type":"CUSTOMIZED"}` or EXPONENTIAL with parameters; kept verbatim. */
  groupRetryPolicy: JsonValue;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
  /** [5.x] */
  groupSysFlag: number;
  /** [5.x] push consumers only. */
  consumeTimeoutMinute: number;
  /** [5.x] SimpleSubscriptionData entries; omitted when undefined (Java null). */
  subscriptionDataSet?: JsonValue[];
  /** [5.x] */
  attributes: Record<string, string>;
}

export const DEFAULT_SUBSCRIPTION_GROUP_CONFIG: Readonly<Omit<SubscriptionGroupConfig, 'groupName'>> = Object.freeze({
  consumeEnable: true,
  consumeFromMinEnable: true,
  consumeBroadcastEnable: true,
  consumeMessageOrderly: false,
  retryQueueNums: 1,
  retryMaxTimes: 16,
  groupRetryPolicy: Object.freeze({ type: 'CUSTOMIZED' }),
  brokerId: 0,
  whichBrokerWhenConsumeSlowly: 1,
  notifyConsumerIdsChangedEnable: true,
  groupSysFlag: 0,
  consumeTimeoutMinute: 15,
  attributes: Object.freeze({}) as Record<string, string>,
});

/** A config with Java's defaults for every member not given. */
export function createSubscriptionGroupConfig(
  groupName: string,
  overrides: Partial<Omit<SubscriptionGroupConfig, 'groupName'>> = {},
): SubscriptionGroupConfig {
  const config: SubscriptionGroupConfig = {
    ...DEFAULT_SUBSCRIPTION_GROUP_CONFIG,
    groupRetryPolicy: { type: 'CUSTOMIZED' },
    attributes: {},
    groupName,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}

export function subscriptionGroupConfigToJson(config: SubscriptionGroupConfig): JsonWritableBean {
  return {
    attributes: config.attributes,
    brokerId: config.brokerId,
    consumeBroadcastEnable: config.consumeBroadcastEnable,
    consumeEnable: config.consumeEnable,
    consumeFromMinEnable: config.consumeFromMinEnable,
    consumeMessageOrderly: config.consumeMessageOrderly,
    consumeTimeoutMinute: config.consumeTimeoutMinute,
    groupName: config.groupName,
    groupRetryPolicy: config.groupRetryPolicy,
    groupSysFlag: config.groupSysFlag,
    notifyConsumerIdsChangedEnable: config.notifyConsumerIdsChangedEnable,
    retryMaxTimes: config.retryMaxTimes,
    retryQueueNums: config.retryQueueNums,
    subscriptionDataSet: config.subscriptionDataSet,
    whichBrokerWhenConsumeSlowly: config.whichBrokerWhenConsumeSlowly,
  };
}

export function subscriptionGroupConfigFromJson(value: JsonValue): SubscriptionGroupConfig {
  const object = asObject(value);
  const d = DEFAULT_SUBSCRIPTION_GROUP_CONFIG;
  const policy = object['groupRetryPolicy'];
  const config: SubscriptionGroupConfig = {
    groupName: asString(object['groupName']),
    consumeEnable: asBool(object['consumeEnable'], d.consumeEnable),
    consumeFromMinEnable: asBool(object['consumeFromMinEnable'], d.consumeFromMinEnable),
    consumeBroadcastEnable: asBool(object['consumeBroadcastEnable'], d.consumeBroadcastEnable),
    consumeMessageOrderly: asBool(object['consumeMessageOrderly'], d.consumeMessageOrderly),
    retryQueueNums: asInt(object['retryQueueNums'], d.retryQueueNums),
    retryMaxTimes: asInt(object['retryMaxTimes'], d.retryMaxTimes),
    groupRetryPolicy: isJsonObject(policy) ? policy : { type: 'CUSTOMIZED' },
    brokerId: asLong(object['brokerId'], d.brokerId),
    whichBrokerWhenConsumeSlowly: asLong(object['whichBrokerWhenConsumeSlowly'], d.whichBrokerWhenConsumeSlowly),
    notifyConsumerIdsChangedEnable: asBool(object['notifyConsumerIdsChangedEnable'], d.notifyConsumerIdsChangedEnable),
    groupSysFlag: asInt(object['groupSysFlag'], d.groupSysFlag),
    consumeTimeoutMinute: asInt(object['consumeTimeoutMinute'], d.consumeTimeoutMinute),
    attributes: asStringMap(object['attributes']),
  };
  if (Array.isArray(object['subscriptionDataSet'])) config.subscriptionDataSet = asArray(object['subscriptionDataSet']);
  return config;
}

export function encodeSubscriptionGroupConfig(config: SubscriptionGroupConfig, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(subscriptionGroupConfigToJson(config), mode);
}

export function decodeSubscriptionGroupConfig(body: Buffer | string): SubscriptionGroupConfig {
  return subscriptionGroupConfigFromJson(parseJsonBody(body, 'SubscriptionGroupConfig'));
}

/** GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) body. */
export interface SubscriptionGroupWrapper {
  subscriptionGroupTable: Record<string, SubscriptionGroupConfig>;
  dataVersion: DataVersion;
  /** [5.x] group -> topic -> forbidden bits; kept verbatim. */
  forbiddenTable?: JsonValue;
}

export function encodeSubscriptionGroupWrapper(wrapper: SubscriptionGroupWrapper, mode: JsonMode = 'standard'): Buffer {
  const table = newRecord<JsonWritable>();
  for (const [name, config] of Object.entries(wrapper.subscriptionGroupTable)) {
    table[name] = subscriptionGroupConfigToJson(config);
  }
  return encodeJsonBody(
    {
      dataVersion: dataVersionToJson(wrapper.dataVersion),
      forbiddenTable: wrapper.forbiddenTable,
      subscriptionGroupTable: table,
    },
    mode,
  );
}

export function decodeSubscriptionGroupWrapper(body: Buffer | string): SubscriptionGroupWrapper {
  const object = parseJsonBody(body, 'SubscriptionGroupWrapper');
  const wrapper: SubscriptionGroupWrapper = {
    subscriptionGroupTable: asRecord(object['subscriptionGroupTable'], subscriptionGroupConfigFromJson),
    dataVersion: dataVersionFromJson(object['dataVersion'] ?? null),
  };
  if (isJsonObject(object['forbiddenTable'])) wrapper.forbiddenTable = object['forbiddenTable'];
  return wrapper;
}
