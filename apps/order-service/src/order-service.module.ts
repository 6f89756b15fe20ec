/**
 * The order-service application: HTTP API + RocketMQ producer (transactional `created` messages and ordered
 * status messages) over its own SQLite database.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { RocketMQModule } from '@rocketnest/nestjs';
import { BrokerUnavailableFilter } from './http/broker-unavailable.filter.js';
import { ORDER_SERVICE_OPTIONS } from './order-service-options.js';
import type { ResolvedOrderServiceOptions } from './order-service-options.js';
import { CreatedMessageLookup } from './orders/created-message.lookup.js';
import { FaultInjector } from './orders/fault-injection.js';
import { OrderTopicSetup } from './orders/order-topic.setup.js';
import { HealthController, OrdersController } from './orders/orders.controller.js';
import { ORDERS_DATABASE, OrdersRepository } from './orders/orders.repository.js';
import { OrdersService } from './orders/orders.service.js';

/** Opens (and creates) `<dataDir>/orders.db`; startup only, so synchronous fs is fine. */
export function openOrdersDatabase(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new BetterSqlite3(path.join(dataDir, 'orders.db'));
  db.pragma('journal_mode = WAL');
  // Durable across a process crash (what the samples show); a power cut may lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

@Module({})
export class OrderServiceModule implements OnApplicationShutdown {
  constructor(@Inject(ORDERS_DATABASE) private readonly db: Database) {}

  static register(options: ResolvedOrderServiceOptions): DynamicModule {
    return {
      module: OrderServiceModule,
      imports: [
        RocketMQModule.forRoot({
          namesrvAddr: options.namesrvAddr,
          producerGroup: options.producerGroup,
          serializer: 'json',
        }),
      ],
      controllers: [OrdersController, HealthController],
      providers: [
        { provide: ORDER_SERVICE_OPTIONS, useValue: options },
        { provide: ORDERS_DATABASE, useFactory: () => openOrdersDatabase(options.dataDir) },
        { provide: APP_FILTER, useClass: BrokerUnavailableFilter },
        OrdersRepository,
        OrdersService,
        FaultInjector,
        OrderTopicSetup,
        CreatedMessageLookup,
      ],
    };
  }

  /** After the HTTP server and the producer are closed. */
  onApplicationShutdown(): void {
    this.db.close();
  }
}
