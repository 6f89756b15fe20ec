/** `@MessagePattern` handlers answer `ClientRocketMQ.send()` over RocketMQ request-reply. */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { RemotingTimeoutError } from '@rocketnest/protocol';
import { lastValueFrom, of, timer, map } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRocketMQ, RocketMQModule, RocketMQReplyError } from '@rocketnest/nestjs';
import { TestBroker, startTestBroker, uniq } from './support/broker.js';
import { FAST_CONSUMER, createTopics } from './nestjs-support.js';

const topic = uniq('points');
const stringPattern = `${uniq('points')}.total`;

@Controller()
class PointsController {
  @MessagePattern({ topic, tag: 'balance' })
  balance(@Payload() query: { userId: string }): { userId: string; points: number } {
    if (query.userId === 'nobody') throw new RpcException({ code: 'UNKNOWN_USER', message: 'unknown user' });
    if (query.userId === 'broken') throw new Error('database down');
    return { userId: query.userId, points: 42 };
  }

  @MessagePattern({ topic, tag: 'stream' })
  stream(): import('rxjs').Observable<number> {
    return of(1, 2, 3);
  }

  @MessagePattern({ topic, tag: 'slow' })
  slow(): import('rxjs').Observable<string> {
    return timer(1500).pipe(map(() => 'late'));
  }

  @MessagePattern(stringPattern)
  total(@Payload() values: number[]): number {
    return values.reduce((a, b) => a + b, 0);
  }
}

let broker: TestBroker;
let service: INestMicroservice;
let client: ClientRocketMQ;

beforeAll(async () => {
  broker = await startTestBroker();
  await createTopics(broker.namesrvAddr, [topic, stringPattern.replace('.', '_')]);
  @Module({
    imports: [
      RocketMQModule.forRoot({
        namesrvAddr: broker.namesrvAddr,
        producerGroup: uniq('pg'),
        consumerGroup: uniq('points_svc'),
        replyTimeoutMs: 5000,
      }),
    ],
    controllers: [PointsController],
  })
  class PointsModule {}
  const moduleRef = await Test.createTestingModule({ imports: [PointsModule] }).compile();
  service = moduleRef.createNestMicroservice({
    ...RocketMQModule.microservice({ consumer: FAST_CONSUMER }),
    logger: false,
  });
  await service.listen();
  client = service.get(ClientRocketMQ);
}, 60_000);

afterAll(async () => {
  await service?.close();
  await broker?.close();
}, 30_000);

describe('request-reply', () => {
  it('answers send() with the handler result', async () => {
    expect(await lastValueFrom(client.send({ topic, tag: 'balance' }, { userId: 'u1' }))).toEqual({
      userId: 'u1',
      points: 42,
    });
  });

  it('answers string patterns, as a TCP or Kafka app would send them', async () => {
    expect(await lastValueFrom(client.send(stringPattern, [1, 2, 3]))).toBe(6);
  });

  it('replies with the last value of an observable', async () => {
    expect(await lastValueFrom(client.send({ topic, tag: 'stream' }, {}))).toBe(3);
  });

  it('carries an RpcException to the requester', async () => {
    const error = await lastValueFrom(client.send({ topic, tag: 'balance' }, { userId: 'nobody' })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RocketMQReplyError);
    expect((error as RocketMQReplyError).getError()).toEqual({ code: 'UNKNOWN_USER', message: 'unknown user' });
    expect((error as RocketMQReplyError).message).toBe('unknown user');
  });

  it('hides unknown errors behind Nest’s generic message', async () => {
    const error = await lastValueFrom(client.send({ topic, tag: 'balance' }, { userId: 'broken' })).catch(
      (e: unknown) => e,
    );
    expect((error as RocketMQReplyError).getError()).toEqual({ status: 'error', message: 'Internal server error' });
  });

  it('lets a request for a tag nobody serves time out (the broker filters it out by tag)', async () => {
    const error = await lastValueFrom(client.send({ topic, tag: 'nothing', timeoutMs: 300 }, {})).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RemotingTimeoutError);
  });

  it('times out after the pattern’s timeoutMs when the reply is late', async () => {
    const error = await lastValueFrom(client.send({ topic, tag: 'slow', timeoutMs: 300 }, {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemotingTimeoutError);
  });
});
