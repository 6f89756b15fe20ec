/**
 * TopicConfig, DataVersion and TopicConfigSerializeWrapper (remoting-protocol.md 2.10.1, Appendix C):
 * the REGISTER_BROKER payload and the GET_ALL_TOPIC_CONFIG (21) body. Also the space-separated TopicConfig
 * line of the compressed REGISTER_BROKER body: `name read write perm filterType` [5.x: ` ` + attributes
 * JSON], which loses topicSysFlag and order.
 */
import { TopicFilterType } from '../codes/defaults.js';
import { encodeJsonBody, JsonMode, JsonWritable, JsonWritableBean, writeFastjson } from './fastjson-writer.js';
import {
  asBool,
  asEnum,
  asInt,
  asLong,
  asObject,
  asOptionalLong,
  asRecord,
  asString,
  asStringMap,
  newRecord,
  parseJsonBody,
} from './json-read.js';
import { isJsonObject, JsonValue, tryParseTolerantJson } from './tolerant-json.js';
import { parseJavaInt } from './java-number.js';

const FILTER_TYPES = [TopicFilterType.SINGLE_TAG, TopicFilterType.MULTI_TAG] as const;

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
  /** [5.x] written when defined (5.x brokers always send `{}`). */
  attributes?: Record<string, string>;
}

export interface DataVersion {
  timestamp: number;
  counter: number;
  /** [5.x] written when defined (5.x always sends 0). */
  stateVersion?: number;
}

export interface TopicConfigSerializeWrapper {
  topicConfigTable: Record<string, TopicConfig>;
  dataVersion: DataVersion;
  /** [5.x] static-topic mapping members, kept verbatim. */
  mappingDataVersion?: DataVersion;
  topicQueueMappingDetailMap?: Record<string, JsonValue>;
  topicQueueMappingInfoMap?: Record<string, JsonValue>;
}

export function topicConfigToJson(config: TopicConfig): JsonWritableBean {
  return {
    attributes: config.attributes,
    order: config.order,
    perm: config.perm,
    readQueueNums: config.readQueueNums,
    topicFilterType: config.topicFilterType,
    topicName: config.topicName,
    topicSysFlag: config.topicSysFlag,
    writeQueueNums: config.writeQueueNums,
  };
}

export function topicConfigFromJson(value: JsonValue): TopicConfig {
  const object = asObject(value);
  const config: TopicConfig = {
    topicName: asString(object['topicName']),
    readQueueNums: asInt(object['readQueueNums'], 16),
    writeQueueNums: asInt(object['writeQueueNums'], 16),
    perm: asInt(object['perm'], 6),
    topicFilterType: asEnum(FILTER_TYPES, object['topicFilterType']) ?? TopicFilterType.SINGLE_TAG,
    topicSysFlag: asInt(object['topicSysFlag']),
    order: asBool(object['order']),
  };
  if (isJsonObject(object['attributes'])) config.attributes = asStringMap(object['attributes']);
  return config;
}

export function encodeTopicConfig(config: TopicConfig, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(topicConfigToJson(config), mode);
}

export function decodeTopicConfig(body: Buffer | string): TopicConfig {
  return topicConfigFromJson(parseJsonBody(body, 'TopicConfig'));
}

/**
 * `TopicConfig.encode()`: 4.x writes five fields; 5.x (`withAttributes`) adds a space and the attributes
 * JSON (nothing after the space when attributes are undefined). 4.x namesrvs reject six fields.
 */
export function topicConfigToLine(config: TopicConfig, withAttributes: boolean): string {
  const base = `${config.topicName} ${config.readQueueNums} ${config.writeQueueNums} ${config.perm} ${config.topicFilterType}`;
  if (!withAttributes) return base;
  return `${base} ${config.attributes === undefined ? '' : writeFastjson(config.attributes, 'legacy')}`;
}

/** `TopicConfig.decode()`; undefined when the line has fewer than five fields or bad numbers. */
export function topicConfigFromLine(line: string): TopicConfig | undefined {
  const parts = line.split(' ');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length < 5) return undefined;
  const [topicName = '', read = '', write = '', perm = '', filter = ''] = parts;
  const readQueueNums = parseJavaInt(read);
  const writeQueueNums = parseJavaInt(write);
  const permValue = parseJavaInt(perm);
  const topicFilterType = asEnum(FILTER_TYPES, filter);
  if (readQueueNums === undefined || writeQueueNums === undefined || permValue === undefined) return undefined;
  if (topicFilterType === undefined) return undefined;
  const config: TopicConfig = {
    topicName,
    readQueueNums,
    writeQueueNums,
    perm: permValue,
    topicFilterType,
    topicSysFlag: 0,
    order: false,
  };
  if (parts.length > 5) {
    // Attribute keys or values may contain spaces: the JSON is everything after the fifth separator.
    // Unparsable attributes are dropped, as Java does; the topic itself stays valid.
    const attributes = tryParseTolerantJson(parts.slice(5).join(' '));
    if (isJsonObject(attributes)) config.attributes = asStringMap(attributes);
  }
  return config;
}

export function dataVersionToJson(version: DataVersion): JsonWritableBean {
  return { counter: version.counter, stateVersion: version.stateVersion, timestamp: version.timestamp };
}

export function dataVersionFromJson(value: JsonValue): DataVersion {
  const object = asObject(value);
  const version: DataVersion = { timestamp: asLong(object['timestamp']), counter: asLong(object['counter']) };
  const stateVersion = asOptionalLong(object['stateVersion']);
  if (stateVersion !== undefined) version.stateVersion = stateVersion;
  return version;
}

export function encodeDataVersion(version: DataVersion, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(dataVersionToJson(version), mode);
}

export function decodeDataVersion(body: Buffer | string): DataVersion {
  return dataVersionFromJson(parseJsonBody(body, 'DataVersion'));
}

function topicConfigTableToJson(table: Record<string, TopicConfig>): JsonWritableBean {
  const out = newRecord<JsonWritable>();
  for (const [name, config] of Object.entries(table)) out[name] = topicConfigToJson(config);
  return out;
}

export function topicConfigSerializeWrapperToJson(wrapper: TopicConfigSerializeWrapper): JsonWritableBean {
  return {
    dataVersion: dataVersionToJson(wrapper.dataVersion),
    mappingDataVersion:
      wrapper.mappingDataVersion === undefined ? undefined : dataVersionToJson(wrapper.mappingDataVersion),
    topicConfigTable: topicConfigTableToJson(wrapper.topicConfigTable),
    topicQueueMappingDetailMap: wrapper.topicQueueMappingDetailMap,
    topicQueueMappingInfoMap: wrapper.topicQueueMappingInfoMap,
  };
}

export function topicConfigSerializeWrapperFromJson(value: JsonValue): TopicConfigSerializeWrapper {
  const object = asObject(value);
  const wrapper: TopicConfigSerializeWrapper = {
    topicConfigTable: asRecord(object['topicConfigTable'], topicConfigFromJson),
    dataVersion: dataVersionFromJson(object['dataVersion'] ?? null),
  };
  if (isJsonObject(object['mappingDataVersion'])) {
    wrapper.mappingDataVersion = dataVersionFromJson(object['mappingDataVersion']);
  }
  if (isJsonObject(object['topicQueueMappingDetailMap'])) {
    wrapper.topicQueueMappingDetailMap = asRecord(object['topicQueueMappingDetailMap'], (item) => item);
  }
  if (isJsonObject(object['topicQueueMappingInfoMap'])) {
    wrapper.topicQueueMappingInfoMap = asRecord(object['topicQueueMappingInfoMap'], (item) => item);
  }
  return wrapper;
}

export function encodeTopicConfigSerializeWrapper(
  wrapper: TopicConfigSerializeWrapper,
  mode: JsonMode = 'standard',
): Buffer {
  return encodeJsonBody(topicConfigSerializeWrapperToJson(wrapper), mode);
}

export function decodeTopicConfigSerializeWrapper(body: Buffer | string): TopicConfigSerializeWrapper {
  return topicConfigSerializeWrapperFromJson(parseJsonBody(body, 'TopicConfigSerializeWrapper'));
}
