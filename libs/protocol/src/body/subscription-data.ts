/**
 * SubscriptionData (remoting-protocol.md 2.4.1): one topic subscription of a consumer group, inside
 * HeartbeatData, ConsumerConnection, ConsumerRunningInfo and CheckClientRequestBody. A TAG expression
 * `TagA || TagB` becomes tagsSet ["TagA","TagB"] and codeSet = Java String.hashCode of each tag, which
 * the broker compares with the tag hash stored in the consume queue.
 */
import { ProtocolError } from '../errors.js';
import { javaStringHashCode } from '../util/java-hash.js';
import { encodeJsonBody, JsonMode, JsonWritableBean } from './fastjson-writer.js';
import { ExpressionType } from './enums.js';
import { asBool, asLong, asNumberArray, asObject, asString, asStringArray, parseJsonBody } from './json-read.js';
import { JsonValue } from './tolerant-json.js';

export const SUB_ALL = '*';

export interface SubscriptionData {
  topic: string;
  /** Expression; `*` = all. */
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  /** ms timestamp of the subscription; the broker refuses pulls newer than what it registered. */
  subVersion: number;
  /** `TAG` or `SQL92`. */
  expressionType: string;
  /** Legacy class filter, false. */
  classFilterMode: boolean;
}

export interface BuildSubscriptionOptions {
  /** `TAG` (default) or `SQL92`. */
  expressionType?: string;
  /** Defaults to the current time, as Java does. */
  subVersion?: number;
}

/** Java `FilterAPI.buildSubscriptionData`. */
export function buildSubscriptionData(
  topic: string,
  expression: string | null | undefined,
  options: BuildSubscriptionOptions = {},
): SubscriptionData {
  const expressionType = options.expressionType ?? ExpressionType.TAG;
  const data: SubscriptionData = {
    topic,
    subString: expression === null || expression === undefined || expression === '' ? SUB_ALL : expression,
    tagsSet: [],
    codeSet: [],
    subVersion: options.subVersion ?? Date.now(),
    expressionType,
    classFilterMode: false,
  };
  if (expressionType.toUpperCase() !== ExpressionType.TAG || data.subString === SUB_ALL) return data;
  const parts = data.subString.split('||');
  if (parts.every((part) => part === '')) {
    throw new ProtocolError(`subscription expression has no tag: ${JSON.stringify(data.subString)}`);
  }
  for (const part of parts) {
    const tag = part.trim();
    if (tag === '' || data.tagsSet.includes(tag)) continue;
    data.tagsSet.push(tag);
    data.codeSet.push(javaStringHashCode(tag));
  }
  return data;
}

export function subscriptionDataToJson(data: SubscriptionData): JsonWritableBean {
  return {
    classFilterMode: data.classFilterMode,
    codeSet: data.codeSet,
    expressionType: data.expressionType,
    subString: data.subString,
    subVersion: data.subVersion,
    tagsSet: data.tagsSet,
    topic: data.topic,
  };
}

export function subscriptionDataFromJson(value: JsonValue): SubscriptionData {
  const object = asObject(value);
  return {
    topic: asString(object['topic']),
    subString: asString(object['subString']),
    tagsSet: asStringArray(object['tagsSet']),
    codeSet: asNumberArray(object['codeSet']),
    subVersion: asLong(object['subVersion']),
    expressionType: asString(object['expressionType'], ExpressionType.TAG),
    classFilterMode: asBool(object['classFilterMode']),
  };
}

export function encodeSubscriptionData(data: SubscriptionData, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(subscriptionDataToJson(data), mode);
}

export function decodeSubscriptionData(body: Buffer | string): SubscriptionData {
  return subscriptionDataFromJson(parseJsonBody(body, 'SubscriptionData'));
}
