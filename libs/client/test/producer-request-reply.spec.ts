import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageConst, replyTopic } from '@rocketnest/protocol';
import {
  ClientInstance,
  MQClientError,
  MessageExt,
  Producer,
  SendTimeoutError,
  createReply,
  isRequestMessage,
} from '@rocketnest/client';
import { pullTopic } from './support/pull-helper.js';
import { TestBroker, startTestBroker, uniq } from './support/standalone-fixture.js';

describe('Producer request-reply', () => {
  let broker: TestBroker;
  let requester: Producer;
  let responder: Producer;
  let reader: ClientInstance;

  beforeAll(async () => {
    broker = await startTestBroker();
    requester = new Producer({ group: uniq('req'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('req') });
    responder = new Producer({ group: uniq('resp'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('resp') });
    await requester.start();
    await responder.start();
    reader = ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('reader') });
  });
  afterAll(async () => {
    await requester?.shutdown();
    await responder?.shutdown();
    await reader?.release();
    await broker?.close();
  });

  /** A responder loop: reads request messages of `topic` and answers each once with `answer`. */
  function serve(topic: string, answer: (request: MessageExt) => Buffer): { stop(): Promise<void> } {
    const answered = new Set<string>();
    let running = true;
    const loop = (async () => {
      while (running) {
        for (const request of await pullTopic(reader, topic)) {
          if (!isRequestMessage(request) || answered.has(request.msgId)) continue;
          answered.add(request.msgId);
          await responder.reply(request, answer(request), { served: 'yes' });
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
      },
    };
  }

  it('resolves request() with the reply sent by a responder through reply()', async () => {
    const topic = uniq('rpc');
    await requester.send({ topic, body: Buffer.from('warm') });
    const server = serve(topic, (request) => Buffer.from(`pong:${request.body.toString()}`));
    try {
      const replies = await Promise.all(
        ['a', 'b', 'c'].map((name) => requester.request({ topic, body: Buffer.from(name), tags: 'ping' }, 5000)),
      );
      expect(replies.map((r) => r.body.toString())).toEqual(['pong:a', 'pong:b', 'pong:c']);
      const [reply] = replies;
      expect(reply!.properties['served']).toBe('yes');
      expect(reply!.properties[MessageConst.MSG_TYPE]).toBe('reply');
      expect(reply!.properties[MessageConst.REPLY_TO_CLIENT]).toBe(requester.clientId);
      expect(reply!.properties[MessageConst.ARRIVE_TIME]).toBeDefined();
    } finally {
      await server.stop();
    }
  });

  it('marks requests with CORRELATION_ID, REPLY_TO_CLIENT and TTL; replies go to <CLUSTER>_REPLY_TOPIC', async () => {
    const topic = uniq('rpcmark');
    await requester.send({ topic, body: Buffer.from('warm') });
    let seen: MessageExt | undefined;
    const server = serve(topic, (request) => {
      seen = request;
      return Buffer.alloc(5000, 'r');
    });
    try {
      const reply = await requester.request({ topic, body: Buffer.from('q') }, 4000);
      // A reply over the compression threshold arrives inflated.
      expect(reply.body.equals(Buffer.alloc(5000, 'r'))).toBe(true);
      expect(seen!.properties[MessageConst.REPLY_TO_CLIENT]).toBe(requester.clientId);
      expect(seen!.properties[MessageConst.TTL]).toBe('4000');
      expect(reply.properties[MessageConst.CORRELATION_ID]).toBe(seen!.properties[MessageConst.CORRELATION_ID]);
      const built = createReply(seen!, Buffer.from('x'));
      expect(built.topic).toBe(replyTopic(seen!.properties[MessageConst.CLUSTER]!));
      expect(built.properties![MessageConst.TTL]).toBe('4000');
    } finally {
      await server.stop();
    }
  });

  it('rejects with SendTimeoutError when nobody answers in time', async () => {
    const topic = uniq('rpcidle');
    await requester.send({ topic, body: Buffer.from('warm') });
    await expect(requester.request({ topic, body: Buffer.from('anyone?') }, 300)).rejects.toBeInstanceOf(
      SendTimeoutError,
    );
  });

  it('refuses to build a reply to a message that is not a request', async () => {
    const topic = uniq('plain');
    await requester.send({ topic, body: Buffer.from('plain') });
    const [plain] = await pullTopic(reader, topic);
    expect(isRequestMessage(plain!)).toBe(false);
    expect(() => createReply(plain!, Buffer.from('x'))).toThrow(MQClientError);
  });
});
