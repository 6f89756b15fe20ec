import 'reflect-metadata';
import { Injectable, SetMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import {
  ClientRocketMQ,
  MemoryIdempotencyStore,
  ROCKETMQ_IDEMPOTENCY_STORE,
  RocketMQConfigurationError,
  RocketMQModule,
  RocketMQModuleOptions,
  RocketMQOptionsFactory,
  ServerRocketMQ,
  TransactionCheck,
  TransactionalMessage,
  resolveClientRocketMQOptions,
  resolveServerRocketMQOptions,
} from '@rocketnest/nestjs';

// Nothing listens there: these tests never connect (the producer starts on the first send).
const base: RocketMQModuleOptions = { namesrvAddr: '127.0.0.1:1', producerGroup: 'pg', consumerGroup: 'svc' };

@Injectable()
class WithoutCheck {
  @TransactionalMessage({ topic: 'order', tag: 'created' })
  async create(order: { id: string }): Promise<string> {
    return order.id;
  }
}

@Injectable()
class WithCheck {
  @SetMetadata('custom', 'kept')
  @TransactionalMessage({ topic: 'order' })
  async create(order: { id: string }): Promise<string> {
    return order.id;
  }

  @TransactionCheck('order')
  check(): boolean {
    return true;
  }
}

@Injectable()
class SecondCheck {
  @TransactionCheck('order')
  check(): 'commit' {
    return 'commit';
  }
}

async function boot(providers: Array<new (...args: never[]) => unknown>, options = base) {
  const moduleRef = await Test.createTestingModule({
    imports: [RocketMQModule.forRoot(options)],
    providers,
  }).compile();
  return moduleRef;
}

describe('RocketMQModule', () => {
  it('provides the client and an in-memory idempotency store by default', async () => {
    const moduleRef = await boot([]);
    await moduleRef.init();
    expect(moduleRef.get(ClientRocketMQ)).toBeInstanceOf(ClientRocketMQ);
    expect(moduleRef.get(ROCKETMQ_IDEMPOTENCY_STORE)).toBeInstanceOf(MemoryIdempotencyStore);
    await moduleRef.close();
  });

  it('builds its options with forRootAsync useClass', async () => {
    @Injectable()
    class Config implements RocketMQOptionsFactory {
      createRocketMQOptions(): RocketMQModuleOptions {
        return { ...base, producerGroup: 'from-class' };
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQModule.forRootAsync({ useClass: Config })],
    }).compile();
    expect(moduleRef.get(ClientRocketMQ).producer.group).toBe('from-class');
    await moduleRef.close();
  });

  it('builds a server from its options with microservice(), overrides winning', () => {
    const { useFactory } = RocketMQModule.microservice({ concurrency: 4 });
    const { strategy } = useFactory(base);
    expect(strategy).toBeInstanceOf(ServerRocketMQ);
    expect(strategy.options.group).toBe('svc');
    expect(strategy.options.concurrency).toBe(4);
    expect(() => RocketMQModule.microservice().useFactory({ ...base, consumerGroup: undefined })).toThrow(
      RocketMQConfigurationError,
    );
  });

  it('hands ACL credentials to the producer and to servers built from the module', async () => {
    const credentials = { accessKey: 'AK', secretKey: 'SK' };
    const moduleRef = await boot([], { ...base, credentials });
    expect(moduleRef.get(ClientRocketMQ).producer.options.credentials).toEqual(credentials);
    expect(RocketMQModule.microservice().useFactory({ ...base, credentials }).strategy.options.credentials).toEqual(
      credentials,
    );
    await moduleRef.close();
  });
});

describe('TransactionExplorer', () => {
  it('fails bootstrap when a transactional topic has no @TransactionCheck', async () => {
    const moduleRef = await boot([WithoutCheck]);
    await expect(moduleRef.init()).rejects.toThrow(/no @TransactionCheck\('order'\)/);
    await moduleRef.close();
  });

  it('fails bootstrap on two check handlers for one topic', async () => {
    const moduleRef = await boot([WithCheck, SecondCheck]);
    await expect(moduleRef.init()).rejects.toThrow(/two @TransactionCheck handlers/);
    await moduleRef.close();
  });

  it('keeps other decorators’ metadata on the wrapped method', () => {
    expect(Reflect.getMetadata('custom', WithCheck.prototype.create)).toBe('kept');
    expect(WithCheck.prototype.create.name).toBe('create');
  });

  it('leaves an unbound transactional method failing loudly instead of sending nothing', async () => {
    await expect(new WithCheck().create({ id: 'x' })).rejects.toThrow(RocketMQConfigurationError);
  });
});

describe('option resolution', () => {
  it('rejects a server without a valid group or with a bad concurrency', () => {
    expect(() => resolveServerRocketMQOptions({ group: '' })).toThrow(RocketMQConfigurationError);
    expect(() => resolveServerRocketMQOptions({ group: 'a.b' })).toThrow(/may only contain/);
    expect(() => resolveServerRocketMQOptions({ group: 'g', concurrency: 0 })).toThrow(/concurrency/);
    expect(resolveServerRocketMQOptions({ group: 'g' }).replyProducerGroup).toBe('g-replier');
  });

  it('rejects a client without producer group and defaults the reply timeout to 3 s', () => {
    expect(() => resolveClientRocketMQOptions({ producerGroup: '' })).toThrow(RocketMQConfigurationError);
    expect(resolveClientRocketMQOptions({ producerGroup: 'pg' }).replyTimeoutMs).toBe(3000);
  });
});
