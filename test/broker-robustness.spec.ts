/**
 * Bad input, slow peers, a full disk and a NameServer outage (issue 9, reliability): the broker answers
 * errors or closes only the offending connection, keeps serving everyone else, and loses nothing stored.
 */
import * as net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExtFields,
  RequestCode,
  RemotingCommand,
  ResponseCode,
  SerializeType,
  createRequest,
  encodeFrame,
} from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';
import { MQBrokerError, Producer, PushConsumer } from '@rocketnest/client';
import { NameServer } from '@rocketnest/broker';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/broker.js';

const ALL_CODES: number[] = Object.values(RequestCode as Record<string, unknown>).filter(
  (code): code is number => typeof code === 'number',
);

describe('broker under bad input', () => {
  let broker: TestBroker;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startTestBroker({ broker: { idleTimeoutMs: 1500 } });
    producer = new Producer({ group: uniq('good'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('g') });
    await producer.start();
  });
  afterAll(async () => {
    await producer.shutdown();
    await broker.close();
  });

  it('answers random headers and bodies for every request code with error codes, and a good client sees no error', async () => {
    const server = broker.broker.context.server;
    const connectionsBefore = server.connections.size;
    const heapBefore = process.memoryUsage().heapUsed;
    const fuzzer = new RemotingClient({ invokeTimeoutMs: 3000 });
    const topic = uniq('steady');
    const good = (async () => {
      for (let i = 0; i < 200; i++) {
        const result = await producer.send({ topic, body: Buffer.from(`ok${i}`) });
        expect(result.sendStatus).toBe('SEND_OK');
      }
    })();
    const value = fc.oneof(
      fc.string(),
      fc.integer().map(String),
      fc.constantFrom('', '-1', '9223372036854775807', 'true', 'x'.repeat(300)),
    );
    const keys = fc.constantFrom(
      'topic',
      'queueId',
      'offset',
      'consumerGroup',
      'group',
      'a',
      'b',
      'e',
      'm',
      'queueOffset',
      'maxMsgNums',
      'commitLogOffset',
      'key',
      'namespace',
      'clientID',
    );
    const answered: number[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ALL_CODES),
        fc.dictionary(keys, value, { maxKeys: 6 }),
        fc.option(fc.uint8Array({ maxLength: 256 }), { nil: null }),
        fc.constantFrom(SerializeType.JSON, SerializeType.ROCKETMQ),
        async (code, extFields, body, serializeType) => {
          const request = createRequest(code, {
            extFields: extFields as ExtFields,
            body: body === null ? null : Buffer.from(body),
            serializeType,
          });
          let response: RemotingCommand;
          try {
            response = await fuzzer.invoke(broker.brokerAddr, request, 3000);
          } catch (error) {
            // Requests the broker legitimately leaves unanswered (held pulls, oneway-only codes) time out.
            if ((error as { code?: string }).code === 'ERR_REMOTING_TIMEOUT') return;
            throw error;
          }
          answered.push(response.code);
        },
      ),
      { numRuns: 400 },
    );
    await good;
    await fuzzer.shutdown();
    // Nothing left behind: the fuzzer's connection and every request it started are gone.
    const held = broker.broker.context.pullHold;
    await waitFor(
      () => server.connections.size <= connectionsBefore && server.inFlightCount === 0 && held.size === 0,
      20_000,
    );
    // Heap of this process (broker in process): bounded, not growing with the 400 bad requests.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    expect(answered.length).toBeGreaterThan(300);
    expect(answered.some((code) => code !== ResponseCode.SUCCESS)).toBe(true);
  }, 120_000);

  it('closes connections that send garbage, and keeps serving', async () => {
    const [host, port] = broker.brokerAddr.split(':') as [string, string];
    const garbage = [
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
      Buffer.from([0, 0, 0, 8, 0, 0, 0, 99, 1, 2, 3, 4]),
      Buffer.concat([Buffer.from([0, 0, 0, 20, 0, 0, 0, 16]), Buffer.from('{"code":"nope"  }')]),
    ];
    for (const bytes of garbage) {
      const socket = net.connect(Number(port), host);
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.on('error', () => undefined);
      socket.write(bytes);
      await closed;
    }
    const result = await producer.send({ topic: uniq('after'), body: Buffer.from('still fine') });
    expect(result.sendStatus).toBe('SEND_OK');
  });

  it('closes an idle connection after its timeout', async () => {
    const [host, port] = broker.brokerAddr.split(':') as [string, string];
    const socket = net.connect(Number(port), host);
    socket.on('error', () => undefined);
    const started = Date.now();
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('rejects a frame over the size limit by closing that connection only', async () => {
    const [host, port] = broker.brokerAddr.split(':') as [string, string];
    const socket = net.connect(Number(port), host);
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const head = Buffer.alloc(8);
    head.writeInt32BE(64 * 1024 * 1024, 0);
    socket.write(head);
    await closed;
    const frame = encodeFrame(createRequest(RequestCode.GET_BROKER_RUNTIME_INFO));
    expect(frame.length).toBeGreaterThan(0);
    expect((await producer.send({ topic: uniq('big'), body: Buffer.from('x') })).sendStatus).toBe('SEND_OK');
  });
});

describe('disk space guard', () => {
  it('refuses sends past the threshold with a clear error, keeps what is stored, and resumes', async () => {
    let usage = 50;
    const broker = await startTestBroker({
      broker: {
        diskUsageProbe: async () => usage,
        store: { cleanResourceIntervalMs: 50, cleanResourceInitialDelayMs: 0 },
      },
    });
    const producer = new Producer({
      group: uniq('disk'),
      namesrvAddr: broker.namesrvAddr,
      instanceName: uniq('d'),
      retryTimesWhenSendFailed: 0,
    });
    await producer.start();
    try {
      const topic = uniq('disk');
      const before = await producer.send(
        { topic, body: Buffer.from('before') },
        { queue: { topic, brokerName: 'broker-a', queueId: 0 } },
      );
      usage = 95;
      let refused: unknown;
      await waitFor(async () => {
        try {
          await producer.send({ topic, body: Buffer.from('during') }, { queue: before.messageQueue });
          return false;
        } catch (error) {
          refused = error;
          return true;
        }
      });
      expect(refused).toBeInstanceOf(MQBrokerError);
      expect((refused as MQBrokerError).responseCode).toBe(ResponseCode.SERVICE_NOT_AVAILABLE);
      const stored = await broker.broker.store.lookMessageByOffset(Number(BigInt(`0x${before.offsetMsgId.slice(16)}`)));
      expect(stored?.body.toString()).toBe('before');
      usage = 50;
      await waitFor(async () => {
        try {
          return (
            (await producer.send({ topic, body: Buffer.from('after') }, { queue: before.messageQueue })).sendStatus ===
            'SEND_OK'
          );
        } catch {
          return false;
        }
      });
    } finally {
      await producer.shutdown();
      await broker.close();
    }
  }, 30_000);
});

describe('NameServer outage', () => {
  it('producers and consumers keep working on cached routes, and recover when it returns', async () => {
    const broker = await startTestBroker({ broker: { registerNameServerPeriodMs: 300 } });
    const port = Number(broker.namesrvAddr.split(':')[1]);
    const topic = uniq('outage');
    const producer = new Producer({
      group: uniq('p'),
      namesrvAddr: broker.namesrvAddr,
      instanceName: uniq('p'),
      pollNameServerIntervalMs: 200,
    });
    await producer.start();
    const got: string[] = [];
    const consumer = new PushConsumer({
      group: uniq('c'),
      namesrvAddr: broker.namesrvAddr,
      instanceName: uniq('c'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      pollNameServerIntervalMs: 200,
      rebalanceIntervalMs: 300,
      brokerSuspendMaxTimeMs: 500,
    })
      .subscribe(topic)
      .onMessage((m) => {
        got.push(m.body.toString());
      });
    let restarted: NameServer | undefined;
    try {
      await producer.send({ topic, body: Buffer.from('one') });
      await consumer.start();
      await waitFor(() => got.includes('one'));
      await broker.namesrv.shutdown();
      for (let i = 0; i < 5; i++) await producer.send({ topic, body: Buffer.from(`down${i}`) });
      await waitFor(() => got.filter((g) => g.startsWith('down')).length === 5);
      restarted = new NameServer({ host: '127.0.0.1', port, kvConfigPath: null });
      await restarted.start();
      const newTopic = uniq('after');
      await waitFor(async () => {
        try {
          return (await producer.send({ topic: newTopic, body: Buffer.from('new route') })).sendStatus === 'SEND_OK';
        } catch {
          return false;
        }
      }, 10_000);
    } finally {
      await consumer.shutdown();
      await producer.shutdown();
      await restarted?.shutdown();
      await broker.close();
    }
  }, 30_000);
});
