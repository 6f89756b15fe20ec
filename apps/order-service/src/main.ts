/**
 * `node dist/apps/order-service/src/main.js`: starts the order-service and prints
 * `order-service listening on http://HOST:PORT` once it serves. SIGINT/SIGTERM close it (HTTP server, then
 * the producer, then the database) and exit 0.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OrderServiceModule } from './order-service.module.js';
import { orderServiceOptionsFromEnv, resolveOrderServiceOptions } from './order-service-options.js';
import { ServiceLogger } from '../../shared/src/service-logger.js';

async function main(): Promise<void> {
  const options = resolveOrderServiceOptions(orderServiceOptionsFromEnv(process.env));
  const app = await NestFactory.create(OrderServiceModule.register(options), {
    logger: new ServiceLogger(process.env['LOG_LEVEL']),
  });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(options.port, options.host);
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  process.stdout.write(`order-service listening on http://${host}:${port}\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`order-service stopping (${signal})\n`);
    app.close().then(
      () => {
        process.stdout.write('order-service stopped\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`order-service: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `order-service: cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
