/**
 * `node dist/apps/points-service/src/main.js`: starts the points-service (consumer + HTTP) and prints
 * `points-service listening on http://HOST:PORT` once both serve. SIGINT/SIGTERM drain the handlers, persist
 * the consumer offsets, close the database and exit 0.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { ServerRocketMQ } from '@rocketnest/nestjs';
import { PointsServiceModule } from './points-service.module.js';
import { pointsServiceOptionsFromEnv, resolvePointsServiceOptions } from './points-service-options.js';
import { ServiceLogger } from '../../shared/src/service-logger.js';

async function main(): Promise<void> {
  const options = resolvePointsServiceOptions(pointsServiceOptionsFromEnv(process.env));
  const app = await NestFactory.create(PointsServiceModule.register(options), {
    logger: new ServiceLogger(process.env['LOG_LEVEL']),
  });
  app.connectMicroservice({
    strategy: new ServerRocketMQ({
      namesrvAddr: options.namesrvAddr,
      group: options.group,
      // The events of one order share a queue: consuming each queue in order keeps paid before refunded.
      consumeMode: 'orderly',
      concurrency: options.concurrency,
      maxReconsumeTimes: 16,
      // A new group starts at the beginning of the topic: no paid order is ever skipped.
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      // The broker sees progress every second (lag is what the demo shows).
      persistConsumerOffsetIntervalMs: 1000,
      serializer: 'json',
      consumer: {
        pullBatchSize: options.pullBatchSize,
        pullThresholdForQueue: options.pullThresholdForQueue,
        rebalanceIntervalMs: 5000,
        pullDelayOnErrorMs: 1000,
      },
    }),
  });
  await app.startAllMicroservices();
  await app.listen(options.port, options.host);
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  process.stdout.write(
    `points-service listening on http://${host}:${port} (at most ${options.maxConsumeRatePerSecond === 0 ? 'unlimited' : options.maxConsumeRatePerSecond} messages/s)\n`,
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`points-service stopping (${signal})\n`);
    app.close().then(
      () => {
        process.stdout.write('points-service stopped\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`points-service: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `points-service: cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
