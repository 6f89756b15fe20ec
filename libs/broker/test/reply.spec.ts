import { afterEach, describe, expect, it } from 'vitest';
import { BrokerOptions } from '@rocketnest/broker';
import {
  ExtFields,
  MessageConst,
  MessageExt,
  REPLY_MESSAGE_REQUEST_HEADER,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  createRequest,
  createResponse,
  decodeProperties,
  decodeSendMessageResponseHeader,
  encodeProperties,
  encodeSendMessageRequestHeader,
  encodeSendMessageRequestHeaderV2,
  replyTopic,
} from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';
import { BrokerFixture, decodePulled, pullHeader, startBrokerFixture } from './support/broker-fixture.js';
import { extraClient, maxOffset, producerHeartbeat, queueMessages } from './support/interop-frame.js';
import { waitFor } from './support/wait-for.js';

const REQUESTER_ID = '127.0.0.1@requester-1';
const REPLY_TOPIC = replyTopic('DefaultCluster');

describe('ReplyMessageProcessor (SEND_REPLY_MESSAGE, SEND_REPLY_MESSAGE_V2)', () => {
  let f: BrokerFixture;
  const clients: RemotingClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.shutdown();
    await f.close();
  });

  /** The requester: a producer connection that takes pushed replies with `answerCode`. */
  async function requester(answerCode: number = ResponseCode.SUCCESS): Promise<RemotingCommand[]> {
    const client = extraClient(clients);
    const pushed: RemotingCommand[] = [];
    client.registerProcessor(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (request) => {
      pushed.push(request);
      return createResponse(request, answerCode, { remark: answerCode === 0 ? null : 'no waiting request' });
    });
    const heartbeat = createRequest(RequestCode.HEART_BEAT, { body: producerHeartbeat(REQUESTER_ID, 'PG_requester') });
    expect((await client.invoke(f.addr, heartbeat)).code).toBe(ResponseCode.SUCCESS);
    const request = createRequest(RequestCode.SEND_MESSAGE_V2, {
      extFields: encodeSendMessageRequestHeaderV2({
        producerGroup: 'PG_requester',
        topic: 'rpc',
        defaultTopic: 'TBW102',
        defaultTopicQueueNums: 4,
        queueId: 0,
        sysFlag: 0,
        bornTimestamp: Date.now(),
        flag: 0,
        properties: encodeProperties({ CORRELATION_ID: 'corr-1', REPLY_TO_CLIENT: REQUESTER_ID, TTL: '3000' }),
      }),
      body: Buffer.from('how much?'),
    });
    expect((await client.invoke(f.addr, request)).code).toBe(ResponseCode.SUCCESS);
    return pushed;
  }

  /** The responder pulls the request and answers it on its own connection. */
  async function respond(
    code: number = RequestCode.SEND_REPLY_MESSAGE_V2,
    patch: ExtFields = {},
    drop: readonly string[] = [],
  ): Promise<RemotingCommand> {
    const responder = extraClient(clients);
    const pulled = await responder.invoke(
      f.addr,
      createRequest(RequestCode.PULL_MESSAGE, {
        extFields: pullHeader('CG_responder', 'rpc', 0, 0, { subscription: '*' }),
      }),
    );
    const [request] = decodePulled(pulled);
    const replyProperties = replyPropertiesOf(request!);
    const header = {
      producerGroup: 'PG_responder',
      topic: `${request!.properties[MessageConst.CLUSTER]}_REPLY_TOPIC`,
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId: 0,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
      properties: encodeProperties(replyProperties),
    };
    const extFields =
      code === RequestCode.SEND_REPLY_MESSAGE
        ? encodeSendMessageRequestHeader(header)
        : encodeSendMessageRequestHeaderV2(header);
    const fields: ExtFields = { ...extFields, ...patch };
    for (const key of drop) delete fields[key];
    return responder.invoke(f.addr, createRequest(code, { extFields: fields, body: Buffer.from('42 coins') }));
  }

  function replyPropertiesOf(request: MessageExt): Record<string, string> {
    return {
      MSG_TYPE: 'reply',
      CORRELATION_ID: request.properties[MessageConst.CORRELATION_ID]!,
      REPLY_TO_CLIENT: request.properties[MessageConst.REPLY_TO_CLIENT]!,
      TTL: request.properties[MessageConst.TTL]!,
    };
  }

  async function start(options: BrokerOptions = {}): Promise<void> {
    f = await startBrokerFixture(options);
  }

  it('pushes a V2 reply to the requester connection and stores it in the reply topic', async () => {
    await start();
    const pushed = await requester();
    const response = await respond();
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.extFields).toMatchObject({ MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
    const sent = decodeSendMessageResponseHeader(response.extFields);
    expect(sent.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(sent.queueOffset).toBe(0);

    expect(pushed).toHaveLength(1);
    const push = pushed[0]!;
    const header = REPLY_MESSAGE_REQUEST_HEADER.decode(push.extFields);
    expect(header).toMatchObject({
      producerGroup: 'PG_responder',
      topic: REPLY_TOPIC,
      queueId: 0,
      storeHost: f.addr,
    });
    expect(header.bornHost).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(header.storeTimestamp).toBeGreaterThan(0);
    expect(push.body!.toString()).toBe('42 coins');
    const properties = decodeProperties(header.properties!);
    expect(properties).toMatchObject({ MSG_TYPE: 'reply', CORRELATION_ID: 'corr-1', REPLY_TO_CLIENT: REQUESTER_ID });
    expect(properties[MessageConst.PUSH_REPLY_TIME]).toBe(String(header.storeTimestamp));

    const [stored] = await queueMessages(f, REPLY_TOPIC, 0);
    expect(stored!.properties[MessageConst.CORRELATION_ID]).toBe('corr-1');
    expect(stored!.body.toString()).toBe('42 coins');
  });

  it('takes SEND_REPLY_MESSAGE with V1 header keys too', async () => {
    await start();
    const pushed = await requester();
    expect((await respond(RequestCode.SEND_REPLY_MESSAGE)).code).toBe(ResponseCode.SUCCESS);
    expect(pushed).toHaveLength(1);
  });

  it('answers msgId "0" and stores nothing when storeReplyMessageEnable is off', async () => {
    await start({ storeReplyMessageEnable: false });
    const pushed = await requester();
    const response = await respond();
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(decodeSendMessageResponseHeader(response.extFields)).toMatchObject({ msgId: '0', queueOffset: 0 });
    expect(pushed).toHaveLength(1);
    expect(await maxOffset(f, REPLY_TOPIC, 0)).toBe(0);
  });

  it('answers SYSTEM_ERROR when the requester is not connected, or refuses the push', async () => {
    await start();
    await requester(ResponseCode.SYSTEM_ERROR);
    const refused = await respond();
    expect(refused.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(refused.remark).toContain('no waiting request');

    const unknown = await respond(RequestCode.SEND_REPLY_MESSAGE_V2, {
      i: encodeProperties({ MSG_TYPE: 'reply', CORRELATION_ID: 'corr-1', REPLY_TO_CLIENT: 'nobody@0' }),
    });
    expect(unknown.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(unknown.remark).toContain('Channel is null');
    expect(unknown.extFields).toMatchObject({ MSG_REGION: 'DefaultRegion' });
    // As Java, a reply that could not be pushed is stored all the same.
    expect(await maxOffset(f, REPLY_TOPIC, 0)).toBe(2);
  });

  it('answers SYSTEM_ERROR once the requester disconnected', async () => {
    await start();
    await requester();
    await clients[0]!.shutdown();
    await waitFor(() => f.broker.context.producers.findByClientId(REQUESTER_ID) === undefined);
    const response = await respond();
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('rejects a reply without a topic and keeps serving', async () => {
    await start();
    const pushed = await requester();
    const missing = await respond(RequestCode.SEND_REPLY_MESSAGE_V2, {}, ['b']);
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(pushed).toHaveLength(0);
    expect((await respond()).code).toBe(ResponseCode.SUCCESS);
  });
});
