/**
 * TopicList `{"topicList":["T1","T2"]}` (remoting-protocol.md 2.10.5): GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
 * GET_TOPICS_BY_CLUSTER, GET_SYSTEM_TOPIC_LIST_FROM_NS (which may add `brokerAddr`).
 */
import { encodeJsonBody, JsonMode } from './fastjson-writer.js';
import { asObject, asOptionalString, asStringArray, parseJsonBody } from './json-read.js';

export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

export function encodeTopicList(list: TopicList, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody({ brokerAddr: list.brokerAddr, topicList: list.topicList }, mode);
}

export function decodeTopicList(body: Buffer | string): TopicList {
  const object = asObject(parseJsonBody(body, 'TopicList'));
  const list: TopicList = { topicList: asStringArray(object['topicList']) };
  const brokerAddr = asOptionalString(object['brokerAddr']);
  if (brokerAddr !== undefined) list.brokerAddr = brokerAddr;
  return list;
}
