/**
 * Id lists: ConsumerListBody `{"consumerIdList":[...]}` (GET_CONSUMER_LIST_BY_GROUP, 2.4.4) and GroupList
 * `{"groupList":[...]}` (QUERY_TOPIC_CONSUME_BY_WHO).
 */
import { encodeJsonBody, JsonMode } from './fastjson-writer.js';
import { asStringArray, parseJsonBody } from './json-read.js';

export interface ConsumerListBody {
  consumerIdList: string[];
}

export function encodeConsumerListBody(list: ConsumerListBody, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody({ consumerIdList: list.consumerIdList }, mode);
}

export function decodeConsumerListBody(body: Buffer | string): ConsumerListBody {
  return { consumerIdList: asStringArray(parseJsonBody(body, 'ConsumerListBody')['consumerIdList']) };
}

export interface GroupList {
  groupList: string[];
}

export function encodeGroupList(list: GroupList, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody({ groupList: list.groupList }, mode);
}

export function decodeGroupList(body: Buffer | string): GroupList {
  return { groupList: asStringArray(parseJsonBody(body, 'GroupList')['groupList']) };
}
