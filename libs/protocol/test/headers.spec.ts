import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as protocol from '@rocketnest/protocol';
import {
  decodeJsonHeader,
  decodeOffsetResponseHeader,
  decodePullMessageRequestHeader,
  decodeQueryMessageRequestHeader,
  decodeRegisterBrokerRequestHeader,
  decodeSearchOffsetRequestHeader,
  decodeSendMessageRequestHeader,
  decodeSendMessageResponseHeader,
  decodeSendRequestHeaderForCode,
  encodeGetMaxOffsetRequestHeader,
  encodeSendMessageRequestHeader,
  encodeSendMessageRequestHeaderV2,
  hasFields,
  HeaderCodec,
  HeaderFieldType,
  missingFields,
  missingFieldsRemark,
  PULL_MESSAGE_REQUEST_HEADER,
  RequestCode,
  SendMessageRequestHeader,
  sendHeaderV1ToV2,
  sendHeaderV2ToV1,
} from '@rocketnest/protocol';

function isHeaderCodec(value: unknown): value is HeaderCodec<Record<string, unknown>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'schema' in value &&
    'encode' in value &&
    'decode' in value &&
    'required' in value
  );
}

const CODECS: [string, HeaderCodec<Record<string, unknown>>][] = [];
for (const [name, value] of Object.entries(protocol as Record<string, unknown>)) {
  if (isHeaderCodec(value)) CODECS.push([name, value]);
}

function arbitraryField(type: HeaderFieldType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return fc.string({ unit: 'binary' });
    case 'int':
      return fc.integer();
    case 'long':
      return fc.maxSafeInteger();
    case 'bool':
      return fc.boolean();
    case 'double':
      return fc.double();
    case 'boundary':
      return fc.constantFrom('LOWER', 'UPPER');
  }
}

function arbitraryHeader(codec: HeaderCodec<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, type] of Object.entries(codec.schema) as [string, HeaderFieldType][]) {
    record[name] = arbitraryField(type);
  }
  return fc.record(record, { requiredKeys: [...codec.required] });
}

const SEND_V1: SendMessageRequestHeader = {
  producerGroup: 'PG',
  topic: 'TopicTest',
  defaultTopic: 'TBW102',
  defaultTopicQueueNums: 4,
  queueId: 0,
  sysFlag: 0,
  bornTimestamp: 1700000000000,
  flag: 0,
  properties: 'WAIT\u0001true\u0002',
  reconsumeTimes: 0,
  unitMode: false,
  batch: false,
  bname: 'broker-a',
};

describe('header codecs (every exported *_HEADER)', () => {
  it('discovers the header codecs', () => {
    expect(CODECS.length).toBeGreaterThan(40);
  });

  it.each(CODECS)('%s round-trips through extFields as strings', (_name, codec) => {
    fc.assert(
      fc.property(arbitraryHeader(codec), (header) => {
        const ext = codec.encode(header);
        for (const value of Object.values(ext)) expect(typeof value).toBe('string');
        expect(codec.decode(ext)).toEqual({ ...codec.primitives, ...header });
      }),
      { numRuns: 50 },
    );
  });

  it.each(CODECS)('%s decodes null extFields to its primitive defaults only', (_name, codec) => {
    expect(codec.decode(null)).toEqual(codec.primitives);
  });
});

describe('lenient decoding (1.11)', () => {
  it('reads numbers and booleans sent as JSON values (ali-ons) through the JSON header', () => {
    const header = decodeJsonHeader(
      '{"code":11,"extFields":{"consumerGroup":123,"queueId":0,"queueOffset":5,"sysFlag":2,"commitOffset":-1,"maxMsgNums":32,"suspendTimeoutMillis":15000,"subVersion":1,"unknown":true}}',
    );
    const pull = decodePullMessageRequestHeader(header.extFields);
    expect(pull.consumerGroup).toBe('123');
    expect(pull.queueId).toBe(0);
    expect(pull.commitOffset).toBe(-1);
    expect(pull).not.toHaveProperty('unknown');
  });

  it('accepts booleans case-insensitively and treats anything else as false', () => {
    expect(decodeSendMessageRequestHeader({ batch: 'TRUE' }).batch).toBe(true);
    expect(decodeSendMessageRequestHeader({ batch: 'True' }).batch).toBe(true);
    expect(decodeSendMessageRequestHeader({ batch: 'yes' }).batch).toBe(false);
    expect(decodeSendMessageRequestHeader({ batch: '1' }).batch).toBe(false);
  });

  it('leaves an Integer undefined when the text is not a strict int32 decimal', () => {
    expect(decodeSendMessageRequestHeader({ queueId: '1.0' }).queueId).toBeUndefined();
    expect(decodeSendMessageRequestHeader({ queueId: ' 1' }).queueId).toBeUndefined();
    expect(decodeSendMessageRequestHeader({ queueId: '' }).queueId).toBeUndefined();
    expect(decodeSendMessageRequestHeader({ queueId: '2147483648' }).queueId).toBeUndefined();
    expect(decodeSendMessageRequestHeader({ queueId: '+7' }).queueId).toBe(7);
    expect(decodeSendMessageRequestHeader({ queueId: '-1' }).queueId).toBe(-1);
  });

  it('clamps Long.MAX_VALUE (the admin end timestamp) to the safe-integer range', () => {
    const query = decodeQueryMessageRequestHeader({
      topic: 'T',
      key: 'K',
      maxNum: '32',
      beginTimestamp: '0',
      endTimestamp: '9223372036854775807',
      _UNIQUE_KEY_QUERY: 'true',
    });
    expect(query.endTimestamp).toBe(Number.MAX_SAFE_INTEGER);
    expect(query._UNIQUE_KEY_QUERY).toBe(true);
    expect(decodeOffsetResponseHeader({ offset: '-9223372036854775808' }).offset).toBe(Number.MIN_SAFE_INTEGER);
    expect(decodeOffsetResponseHeader({ offset: '9223372036854775808' }).offset).toBeUndefined();
    expect(decodeOffsetResponseHeader({ offset: '12.5' }).offset).toBeUndefined();
  });

  it('reads boundaryType case-insensitively, LOWER for anything but upper', () => {
    expect(decodeSearchOffsetRequestHeader({ boundaryType: 'upper' }).boundaryType).toBe('UPPER');
    expect(decodeSearchOffsetRequestHeader({ boundaryType: 'whatever' }).boundaryType).toBe('LOWER');
    expect(decodeSearchOffsetRequestHeader({}).boundaryType).toBeUndefined();
  });

  it('fills Java primitive fields with their initial value when absent', () => {
    const register = decodeRegisterBrokerRequestHeader({ brokerName: 'b' });
    expect(register.compressed).toBe(false);
    expect(register.bodyCrc32).toBe(0);
    expect(encodeGetMaxOffsetRequestHeader({ topic: 'T', queueId: 1 })).toEqual({
      topic: 'T',
      queueId: '1',
      committed: 'true',
    });
  });

  it('omits undefined fields when encoding', () => {
    const ext = encodeSendMessageRequestHeader({ ...SEND_V1, properties: undefined, bname: undefined });
    expect(ext).not.toHaveProperty('properties');
    expect(ext).not.toHaveProperty('bname');
    expect(ext['unitMode']).toBe('false');
  });
});

describe('missingFields', () => {
  it('names the required fields a decoded header lacks', () => {
    const pull = decodePullMessageRequestHeader({ consumerGroup: 'CG', queueId: 'x' });
    const missing = missingFields(pull, PULL_MESSAGE_REQUEST_HEADER.required);
    expect(missing).toEqual([
      'topic',
      'queueId',
      'queueOffset',
      'maxMsgNums',
      'sysFlag',
      'commitOffset',
      'suspendTimeoutMillis',
      'subVersion',
    ]);
    expect(missingFieldsRemark(['topic'])).toBe('the custom field <topic> is null');
  });

  it('narrows a header once its required fields are present', () => {
    const response = decodeSendMessageResponseHeader({ msgId: 'X', queueId: '1', queueOffset: '2' });
    if (!hasFields(response, ['msgId', 'queueId', 'queueOffset'] as const)) throw new Error('expected fields');
    const queueId: number = response.queueId;
    expect(queueId).toBe(1);
    expect(hasFields(decodeSendMessageResponseHeader({ msgId: 'X' }), ['queueId'] as const)).toBe(false);
  });
});

describe('send header V1/V2', () => {
  it('encodes the V2 keys of TV7', () => {
    expect(encodeSendMessageRequestHeaderV2(SEND_V1)).toEqual({
      a: 'PG',
      b: 'TopicTest',
      c: 'TBW102',
      d: '4',
      e: '0',
      f: '0',
      g: '1700000000000',
      h: '0',
      i: 'WAIT\u0001true\u0002',
      j: '0',
      k: 'false',
      m: 'false',
      n: 'broker-a',
    });
  });

  it('converts V1 <-> V2 without loss', () => {
    expect(sendHeaderV2ToV1(sendHeaderV1ToV2(SEND_V1))).toEqual(SEND_V1);
  });

  it('decodes V1 keys on 10/324 and V2 keys on 310/320/325', () => {
    const v1 = encodeSendMessageRequestHeader(SEND_V1);
    const v2 = encodeSendMessageRequestHeaderV2(SEND_V1);
    for (const code of [RequestCode.SEND_MESSAGE, RequestCode.SEND_REPLY_MESSAGE]) {
      expect(decodeSendRequestHeaderForCode(code, v1)).toEqual(SEND_V1);
    }
    for (const code of [
      RequestCode.SEND_MESSAGE_V2,
      RequestCode.SEND_BATCH_MESSAGE,
      RequestCode.SEND_REPLY_MESSAGE_V2,
    ]) {
      expect(decodeSendRequestHeaderForCode(code, v2)).toEqual(SEND_V1);
    }
  });

  it('falls back to the other key set when the expected one is absent', () => {
    const v1 = encodeSendMessageRequestHeader(SEND_V1);
    const v2 = encodeSendMessageRequestHeaderV2(SEND_V1);
    expect(decodeSendRequestHeaderForCode(RequestCode.SEND_MESSAGE_V2, v1).topic).toBe('TopicTest');
    expect(decodeSendRequestHeaderForCode(RequestCode.SEND_MESSAGE, v2).topic).toBe('TopicTest');
    expect(decodeSendRequestHeaderForCode(RequestCode.SEND_MESSAGE_V2, null)).toEqual({
      unitMode: false,
      batch: false,
    });
  });
});
