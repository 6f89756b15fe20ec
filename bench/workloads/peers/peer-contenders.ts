/**
 * The peer contenders, one factory per setup of BENCHMARKS.md's peer table; the load shape is the only
 * parameter, so every comparison gets the same client settings for a peer.
 */
import { e2eWorkload, type LoadShape } from '../../harness/e2e-workload.js';
import { DEFAULT_PAYLOAD_BYTES } from '../../harness/payload-stamp.js';
import type { SetupContext, Workload } from '../../harness/workload.js';
import type { PeerEndpoint, PeerName } from '../../peers/peer-server.js';
import { benchName, loadKey } from '../load-key.js';
import { connectBullmq } from './bullmq.adapter.js';
import { connectJetstream } from './jetstream.adapter.js';
import { connectNestBullmq } from './nest-bullmq.adapter.js';
import { connectNestNats } from './nest-nats.adapter.js';
import { connectNestRmq } from './nest-rmq.adapter.js';
import { connectRabbitmq, type RabbitmqQueueType } from './rabbitmq.adapter.js';
import type { AppendFsync } from './redis-fsync.js';

/** Consumer prefetch (RabbitMQ) and max_ack_pending (JetStream): deep enough never to be the bottleneck. */
export const CONSUMER_WINDOW = 1000;

export class PeerMissingError extends Error {
  override readonly name = 'PeerMissingError';
}

function endpointOf(context: SetupContext, name: PeerName): PeerEndpoint {
  const endpoint = context.peers.get(name);
  if (endpoint === undefined) throw new PeerMissingError(`peer ${name} is not running`);
  return endpoint;
}

export function rabbitmqContender(queueType: RabbitmqQueueType, load: LoadShape): Workload {
  const key = `rabbitmq-${queueType}/${loadKey(load)}`;
  return e2eWorkload({
    key,
    label: queueType === 'classic' ? 'RabbitMQ classic durable queue' : 'RabbitMQ quorum queue',
    owner: 'peer',
    // BENCHMARKS.md pairs classic queues with ASYNC_FLUSH and quorum queues (fsync before confirm) with SYNC_FLUSH.
    durability: queueType === 'classic' ? 'async' : 'sync',
    requires: ['rabbitmq'],
    load,
    settings: {
      client: 'amqplib',
      queueType,
      durableQueue: true,
      persistent: true,
      publisherConfirms: true,
      manualAck: true,
      prefetch: CONSUMER_WINDOW,
    },
    connect: (context) =>
      connectRabbitmq(endpointOf(context, 'rabbitmq'), {
        queueType,
        queue: benchName(key),
        prefetch: CONSUMER_WINDOW,
        payloadBytes: DEFAULT_PAYLOAD_BYTES,
      }),
  });
}

export function jetstreamContender(load: LoadShape): Workload {
  const key = `jetstream/${loadKey(load)}`;
  return e2eWorkload({
    key,
    label: 'NATS JetStream, file storage',
    owner: 'peer',
    durability: 'async',
    requires: ['nats'],
    load,
    settings: {
      client: 'nats.js',
      storage: 'file',
      sync: 'server default (periodic)',
      publish: 'js.publish awaits PubAck',
      consumer: 'durable pull, consume()',
      ackPolicy: 'explicit',
      maxAckPending: CONSUMER_WINDOW,
    },
    connect: (context) =>
      connectJetstream(endpointOf(context, 'nats'), {
        stream: benchName(key, '_').toUpperCase(),
        subject: benchName(key, '.'),
        maxAckPending: CONSUMER_WINDOW,
        payloadBytes: DEFAULT_PAYLOAD_BYTES,
      }),
  });
}

export function nestRmqContender(inFlight: number): Workload {
  const load: LoadShape = { kind: 'window', inFlight };
  const key = `nest-rmq/${loadKey(load)}`;
  return e2eWorkload({
    key,
    label: 'Nest RMQ transport (ClientRMQ.emit -> @EventPattern)',
    owner: 'peer',
    durability: 'async',
    requires: ['rabbitmq'],
    load,
    settings: {
      transport: 'Transport.RMQ',
      queue: 'classic durable',
      persistent: true,
      noAck: false,
      ack: 'channel.ack in the handler',
      prefetchCount: CONSUMER_WINDOW,
      body: 'JSON object',
    },
    connect: (context) =>
      connectNestRmq(endpointOf(context, 'rabbitmq'), {
        queue: benchName(key),
        prefetchCount: CONSUMER_WINDOW,
        payloadBytes: DEFAULT_PAYLOAD_BYTES,
      }),
  });
}

export function nestNatsContender(inFlight: number): Workload {
  // emit() resolves before the server saw the message: only consumption can release a window slot.
  const load: LoadShape = { kind: 'window', inFlight, releaseOn: 'consume' };
  return e2eWorkload({
    key: `nest-nats/${loadKey(load)}`,
    label: 'Nest NATS transport (core NATS)',
    owner: 'peer',
    durability: 'none',
    requires: ['nats'],
    load,
    settings: { transport: 'Transport.NATS', persisted: false, ackPerMessage: false, body: 'JSON object' },
    connect: (context) => connectNestNats(endpointOf(context, 'nats'), { payloadBytes: DEFAULT_PAYLOAD_BYTES }),
  });
}

/** BENCHMARKS.md's BullMQ rows: worker concurrency 64, or 1 in parentheses. */
export const BULLMQ_CONCURRENCY = 64;

export function bullmqContender(appendfsync: AppendFsync, load: LoadShape, concurrency = BULLMQ_CONCURRENCY): Workload {
  const setup = `bullmq-${appendfsync}${concurrency === BULLMQ_CONCURRENCY ? '' : `-c${concurrency}`}`;
  const key = `${setup}/${loadKey(load)}`;
  return e2eWorkload({
    key,
    label: `BullMQ, AOF ${appendfsync}, concurrency ${concurrency}`,
    owner: 'peer',
    // fsync before the reply under `always`; up to a second of writes lost under `everysec`.
    durability: appendfsync === 'always' ? 'sync' : 'async',
    requires: ['redis'],
    load,
    settings: {
      client: 'bullmq (ioredis)',
      appendonly: true,
      appendfsync,
      workerConcurrency: concurrency,
      removeOnComplete: true,
      delivery: 'counted when the processor runs',
      body: 'JSON object',
    },
    connect: (context) =>
      connectBullmq(endpointOf(context, 'redis'), {
        queue: benchName(key),
        concurrency,
        appendfsync,
        payloadBytes: DEFAULT_PAYLOAD_BYTES,
      }),
  });
}

export function nestBullmqContender(appendfsync: AppendFsync, inFlight: number): Workload {
  const load: LoadShape = { kind: 'window', inFlight };
  const key = `nest-bullmq-${appendfsync}/${loadKey(load)}`;
  return e2eWorkload({
    key,
    label: `Nest @nestjs/bullmq processor, AOF ${appendfsync}`,
    owner: 'peer',
    durability: appendfsync === 'always' ? 'sync' : 'async',
    requires: ['redis'],
    load,
    settings: {
      module: '@nestjs/bullmq',
      producer: 'injected Queue.add',
      consumer: '@Processor extends WorkerHost',
      appendfsync,
      workerConcurrency: BULLMQ_CONCURRENCY,
      body: 'JSON object',
    },
    connect: (context) =>
      connectNestBullmq(endpointOf(context, 'redis'), {
        queue: benchName(key),
        concurrency: BULLMQ_CONCURRENCY,
        appendfsync,
        payloadBytes: DEFAULT_PAYLOAD_BYTES,
      }),
  });
}
