/**
 * KVTable `{"table":{"k":"v"}}` (remoting-protocol.md 2.10.1, 2.10.5): GET_KVLIST_BY_NAMESPACE,
 * REGISTER_BROKER response (ORDER_TOPIC_CONFIG), GET_BROKER_RUNTIME_INFO.
 */
import { encodeJsonBody, JsonMode } from './fastjson-writer.js';
import { asStringMap, parseJsonBody } from './json-read.js';

export interface KVTable {
  table: Record<string, string>;
}

export function encodeKVTable(kv: KVTable, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody({ table: kv.table }, mode);
}

export function decodeKVTable(body: Buffer | string): KVTable {
  return { table: asStringMap(parseJsonBody(body, 'KVTable')['table']) };
}
