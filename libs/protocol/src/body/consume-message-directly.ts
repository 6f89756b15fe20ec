/**
 * ConsumeMessageDirectlyResult, the client's answer to CONSUME_MESSAGE_DIRECTLY (309)
 * (remoting-protocol.md 2.9).
 */
import { encodeJsonBody, JsonMode } from './fastjson-writer.js';
import { CM_RESULTS, CMResult } from './enums.js';
import { asBool, asEnum, asLong, asOptionalString, parseJsonBody } from './json-read.js';

export interface ConsumeMessageDirectlyResult {
  order: boolean;
  autoCommit: boolean;
  consumeResult?: CMResult;
  remark?: string;
  spentTimeMills: number;
}

export function encodeConsumeMessageDirectlyResult(
  result: ConsumeMessageDirectlyResult,
  mode: JsonMode = 'standard',
): Buffer {
  return encodeJsonBody(
    {
      autoCommit: result.autoCommit,
      consumeResult: result.consumeResult,
      order: result.order,
      remark: result.remark,
      spentTimeMills: result.spentTimeMills,
    },
    mode,
  );
}

export function decodeConsumeMessageDirectlyResult(body: Buffer | string): ConsumeMessageDirectlyResult {
  const object = parseJsonBody(body, 'ConsumeMessageDirectlyResult');
  const result: ConsumeMessageDirectlyResult = {
    order: asBool(object['order']),
    autoCommit: asBool(object['autoCommit'], true),
    spentTimeMills: asLong(object['spentTimeMills']),
  };
  const consumeResult = asEnum(CM_RESULTS, object['consumeResult']);
  if (consumeResult !== undefined) result.consumeResult = consumeResult;
  const remark = asOptionalString(object['remark']);
  if (remark !== undefined) result.remark = remark;
  return result;
}
