import { describe, expect, it } from 'vitest';
import {
  aclSign,
  aclSignContent,
  createRequest,
  encodeSendMessageRequestHeaderV2,
  RemotingCommand,
  RequestCode,
  signCommand,
  verifyCommandSignature,
} from '@rocketnest/protocol';

const SECRET = '12345678';
const CREDENTIALS = { accessKey: 'RocketMQ', secretKey: SECRET };

function sign(extFields: Record<string, string>, body: string | null): { content: Buffer; signature: string } {
  const content = aclSignContent(extFields, body === null ? null : Buffer.from(body));
  return { content, signature: aclSign(SECRET, content) };
}

const V2_FIELDS = encodeSendMessageRequestHeaderV2({
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
});

describe('aclSignContent / aclSign (TV7)', () => {
  it('signs topic + AccessKey without a body', () => {
    const { content, signature } = sign({ topic: 'TopicTest', AccessKey: 'RocketMQ' }, null);
    expect(content.toString()).toBe('RocketMQTopicTest');
    expect(signature).toBe('0jiwhsaYp5ObE5GObbZH1I8/FT4=');
  });

  it('appends the body after the sorted values', () => {
    const { content, signature } = sign(
      { AccessKey: 'RocketMQ', producerGroup: 'please_rename_unique_group_name', topic: 'TopicTest' },
      'hello',
    );
    expect(content.toString()).toBe('RocketMQplease_rename_unique_group_nameTopicTesthello');
    expect(signature).toBe('d6nURQ2r8gxViSaXzEXZcLDGATw=');
  });

  it('sorts V2 keys with upper case first (AccessKey,a,b,...,n)', () => {
    const { content, signature } = sign({ ...V2_FIELDS, AccessKey: 'RocketMQ' }, 'hello');
    expect(content.toString()).toBe(
      'RocketMQPGTopicTestTBW10240017000000000000WAIT\u0001true\u00020falsefalsebroker-ahello',
    );
    expect(signature).toBe('3uUJxGBkFv/b+9c2kZ1HEhT1SGo=');
  });

  it('ignores an existing Signature field', () => {
    const plain = sign({ topic: 'TopicTest', AccessKey: 'RocketMQ' }, null).signature;
    expect(sign({ topic: 'TopicTest', AccessKey: 'RocketMQ', Signature: 'x' }, null).signature).toBe(plain);
  });
});

describe('signCommand', () => {
  it('adds AccessKey and the TV7 signature without touching the original command', () => {
    const request = createRequest(RequestCode.SEND_MESSAGE_V2, { extFields: V2_FIELDS, body: Buffer.from('hello') });
    const signed = signCommand(request, CREDENTIALS);
    expect(signed.extFields?.['AccessKey']).toBe('RocketMQ');
    expect(signed.extFields?.['Signature']).toBe('3uUJxGBkFv/b+9c2kZ1HEhT1SGo=');
    expect(request.extFields).not.toHaveProperty('Signature');
  });

  it('signs the SecurityToken when present', () => {
    const request = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TopicTest' } });
    const signed = signCommand(request, { ...CREDENTIALS, securityToken: 'tok' });
    expect(signed.extFields?.['SecurityToken']).toBe('tok');
    expect(signed.extFields?.['Signature']).toBe(
      sign({ topic: 'TopicTest', AccessKey: 'RocketMQ', SecurityToken: 'tok' }, null).signature,
    );
  });
});

describe('verifyCommandSignature', () => {
  const query = (): RemotingCommand =>
    createRequest(RequestCode.QUERY_MESSAGE, {
      extFields: {
        topic: 'TopicTest',
        key: 'C0A8000A303912345678075BCD150007',
        maxNum: '32',
        beginTimestamp: '0',
        endTimestamp: '9223372036854775807',
        _UNIQUE_KEY_QUERY: 'true',
      },
    });

  it('accepts a signature over every ext field (>= 4.9.4 clients)', () => {
    expect(verifyCommandSignature(signCommand(query(), CREDENTIALS), SECRET)).toBe(true);
  });

  it('accepts a signature that left out _UNIQUE_KEY_QUERY (<= 4.9.3 clients)', () => {
    const request = query();
    const fields: Record<string, string> = { ...request.extFields, AccessKey: 'RocketMQ' };
    const signedPart = { ...fields };
    delete signedPart['_UNIQUE_KEY_QUERY'];
    const legacy: RemotingCommand = {
      ...request,
      extFields: { ...fields, Signature: sign(signedPart, null).signature },
    };
    expect(verifyCommandSignature(legacy, SECRET)).toBe(true);
  });

  it('rejects a wrong secret, a tampered field, a tampered body and a missing signature', () => {
    const request = createRequest(RequestCode.SEND_MESSAGE_V2, { extFields: V2_FIELDS, body: Buffer.from('hello') });
    const signed = signCommand(request, CREDENTIALS);
    expect(verifyCommandSignature(signed, 'other')).toBe(false);
    expect(verifyCommandSignature({ ...signed, extFields: { ...signed.extFields, b: 'Other' } }, SECRET)).toBe(false);
    expect(verifyCommandSignature({ ...signed, body: Buffer.from('hellO') }, SECRET)).toBe(false);
    expect(verifyCommandSignature(request, SECRET)).toBe(false);
  });
});
