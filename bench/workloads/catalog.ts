/** BENCHMARKS.md's workload table as data: W1-W10, each ours against its baselines, with floor and goal. */
import type { Comparison } from '../harness/comparison.js';
import {
  bullmqContender,
  jetstreamContender,
  nestBullmqContender,
  nestNatsContender,
  nestRmqContender,
  rabbitmqContender,
} from './peers/peer-contenders.js';
import {
  apacheRocketmqWindow,
  rocketnestBatch,
  rocketnestDrain,
  rocketnestFixedRate,
  rocketnestNest,
  rocketnestOrderly,
  rocketnestRestart,
  rocketnestTransactional,
  rocketnestWindow,
} from './rocketnest/contenders.js';
import { protocolComparisons } from './protocol/protocol-comparisons.js';
import { storeComparisons } from './store/store-comparisons.js';

const window = (inFlight: number) => ({ kind: 'window', inFlight }) as const;
const RATE = { kind: 'fixed-rate', perSecond: 2000 } as const;
const DRAIN = { kind: 'drain', preloadInFlight: 1000 } as const;

/** Built fresh per run: workloads hold connections between setup and teardown. */
export function buildCatalog(): Comparison[] {
  return [
    {
      id: 'W1',
      title: 'sync send, 64 in flight, concurrent push consumer',
      metric: 'msgPerSec',
      alsoRatio: ['serverCpuUsPerMsg'],
      subject: rocketnestWindow(64),
      baselines: [rabbitmqContender('classic', window(64)), jetstreamContender(window(64)), apacheRocketmqWindow(64)],
      targets: [
        {
          level: 'floor',
          metric: 'msgPerSec',
          bound: { baseline: 'rabbitmq-classic/window-64', factor: 1 },
          text: '1.0x RabbitMQ classic',
        },
        {
          level: 'goal',
          metric: 'msgPerSec',
          bound: { baseline: 'rabbitmq-classic/window-64', factor: 2 },
          text: '2x RabbitMQ classic',
        },
        { level: 'goal', metric: 'serverCpuUsPerMsg', bound: { absolute: 20 }, text: 'server CPU <= 20 us/msg' },
      ],
    },
    {
      id: 'W1-1000',
      title: 'W1 at 1000 in flight (the peer table column)',
      metric: 'msgPerSec',
      subject: rocketnestWindow(1000),
      baselines: [
        rabbitmqContender('classic', window(1000)),
        jetstreamContender(window(1000)),
        rabbitmqContender('quorum', window(1000)),
        bullmqContender('everysec', window(1000)),
        bullmqContender('everysec', window(1000), 1),
        bullmqContender('always', window(1000)),
        bullmqContender('always', window(1000), 1),
      ],
      targets: [],
    },
    {
      id: 'W2',
      title: 'one synchronous sender',
      metric: 'sendMsgPerSec',
      subject: rocketnestWindow(1),
      baselines: [rabbitmqContender('classic', window(1)), jetstreamContender(window(1)), apacheRocketmqWindow(1)],
      targets: [
        {
          level: 'floor',
          metric: 'sendMsgPerSec',
          bound: { baseline: 'rabbitmq-classic/window-1', factor: 1.5 },
          text: '1.5x RabbitMQ classic',
        },
        {
          level: 'goal',
          metric: 'sendMsgPerSec',
          bound: { baseline: 'jetstream/window-1', factor: 1 },
          text: '1x JetStream',
        },
        {
          level: 'goal',
          metric: 'sendP50Ms',
          bound: { probe: 'tcpRttP50Us', factor: 3 },
          text: 'RT p50 <= 3x loopback RTT',
        },
      ],
    },
    {
      id: 'W3-1',
      title: 'SYNC_FLUSH, one synchronous sender (W2 again)',
      metric: 'sendMsgPerSec',
      subject: rocketnestWindow(1, 'SYNC_FLUSH'),
      baselines: [rabbitmqContender('quorum', window(1)), apacheRocketmqWindow(1, 'SYNC_FLUSH')],
      targets: [],
      note: 'reports RT and messages per fdatasync (extra.messagesPerFdatasync) for ours',
    },
    {
      id: 'W3-64',
      title: 'SYNC_FLUSH, 64 in flight (W1 again)',
      metric: 'msgPerSec',
      subject: rocketnestWindow(64, 'SYNC_FLUSH'),
      baselines: [rabbitmqContender('quorum', window(64)), apacheRocketmqWindow(64, 'SYNC_FLUSH')],
      targets: [
        {
          level: 'floor',
          metric: 'msgPerSec',
          bound: { baseline: 'rabbitmq-quorum/window-64', factor: 1 },
          text: '1x RabbitMQ quorum at 64 in flight',
        },
        {
          level: 'goal',
          metric: 'msgPerSec',
          bound: { baseline: 'rabbitmq-quorum/window-64', factor: 1.5 },
          text: '1.5x quorum',
        },
        {
          level: 'goal',
          metric: 'extra.messagesPerFdatasync',
          bound: { absolute: 8 },
          text: '>= 8 msgs per fdatasync',
        },
      ],
    },
    {
      id: 'W4',
      title: 'batch send, 16 x 1 KiB per batch, 8 batches in flight',
      metric: 'msgPerSec',
      subject: rocketnestBatch(),
      baselines: [rocketnestWindow(64)],
      targets: [
        {
          level: 'floor',
          metric: 'msgPerSec',
          bound: { baseline: 'rocketnest/window-64', factor: 2 },
          text: '2x our W1',
        },
        {
          level: 'goal',
          metric: 'mbPerSec',
          bound: { probe: 'fdatasyncBandwidthMBps', factor: 0.05 },
          text: "5% of the fdatasync'd disk bandwidth",
        },
      ],
    },
    {
      id: 'W5',
      title: 'fixed rate 2000 msg/s, latency from the scheduled send time',
      metric: 'e2eP99Ms',
      alsoRatio: ['e2eP50Ms', 'e2eP999Ms'],
      subject: rocketnestFixedRate(2000),
      baselines: [
        rabbitmqContender('classic', RATE),
        jetstreamContender(RATE),
        rabbitmqContender('quorum', RATE),
        bullmqContender('everysec', RATE),
        bullmqContender('always', RATE),
      ],
      targets: [
        {
          level: 'floor',
          metric: 'e2eP99Ms',
          bound: { baseline: 'rabbitmq-classic/rate-2000', factor: 1 },
          text: 'p99 <= RabbitMQ classic',
        },
        { level: 'goal', metric: 'e2eP99Ms', bound: { absolute: 1 }, text: 'p99 <= 1 ms' },
      ],
    },
    {
      id: 'W6',
      title: 'catch-up: backlog written, then one consumer drains it',
      metric: 'msgPerSec',
      subject: rocketnestDrain(),
      baselines: [rabbitmqContender('classic', DRAIN), jetstreamContender(DRAIN)],
      targets: [
        {
          level: 'floor',
          metric: 'msgPerSec',
          bound: { baseline: 'rabbitmq-classic/drain', factor: 1 },
          text: '1x RabbitMQ classic drain',
        },
        { level: 'goal', metric: 'msgPerSec', bound: { absolute: 100_000 }, text: '>= 100k msg/s' },
      ],
      note: 'backlog: 100k messages (--quick: 10k); BENCHMARKS.md asks 1M locally',
    },
    {
      id: 'W7',
      title: 'transactional send (half + commit), 32 in flight, 10% settled by check-back',
      metric: 'msgPerSec',
      subject: rocketnestTransactional(),
      baselines: [rocketnestWindow(64)],
      targets: [
        {
          level: 'floor',
          metric: 'msgPerSec',
          bound: { baseline: 'rocketnest/window-64', factor: 0.4 },
          text: '0.4x our W1',
        },
        {
          level: 'goal',
          metric: 'msgPerSec',
          bound: { baseline: 'rocketnest/window-64', factor: 0.6 },
          text: '0.6x our W1',
        },
      ],
    },
    {
      id: 'W8',
      title: 'ordered: sharding key over 8 queues, orderly consumer',
      metric: 'msgPerSec',
      subject: rocketnestOrderly(),
      baselines: [rocketnestWindow(64)],
      targets: [
        {
          level: 'floor',
          metric: 'msgPerSec',
          bound: { baseline: 'rocketnest/window-64', factor: 0.5 },
          text: '0.5x our concurrent rate',
        },
        {
          level: 'goal',
          metric: 'msgPerSec',
          bound: { baseline: 'rocketnest/window-64', factor: 0.8 },
          text: '0.8x our concurrent rate',
        },
        { level: 'floor', metric: 'extra.orderViolations', bound: { absolute: 0 }, text: 'order violations must be 0' },
      ],
    },
    {
      id: 'W9',
      title: 'Nest: ClientRocketMQ.emit -> @Topic handler vs raw client and Nest transports, 1000 in flight',
      metric: 'msgPerSec',
      alsoRatio: ['e2eP50Ms'],
      subject: rocketnestNest(1000),
      baselines: [
        rocketnestWindow(1000),
        nestRmqContender(1000),
        nestNatsContender(1000),
        nestBullmqContender('everysec', 1000),
        nestBullmqContender('always', 1000),
      ],
      targets: [
        {
          level: 'floor',
          metric: 'msgPerSec',
          bound: { baseline: 'rocketnest/window-1000', factor: 0.75 },
          text: '0.75x raw',
        },
        {
          level: 'goal',
          metric: 'msgPerSec',
          bound: { baseline: 'rocketnest/window-1000', factor: 0.9 },
          text: '0.9x raw',
        },
        {
          level: 'goal',
          metric: 'msgPerSec',
          bound: { baseline: 'nest-rmq/window-1000', factor: 3 },
          text: '3x Nest RMQ transport',
        },
      ],
      note: 'goal "<= +0.2 ms p50 over raw": read the e2e p50 of ours and of the raw client in the table',
    },
    {
      id: 'W10',
      title: 'restart after kill -9 with 1 GiB of commit log',
      metric: 'extra.restartMsPerGiB',
      subject: rocketnestRestart(),
      baselines: [],
      targets: [
        { level: 'floor', metric: 'extra.restartMsPerGiB', bound: { absolute: 10_000 }, text: '<= 10 s per GiB' },
        { level: 'goal', metric: 'extra.restartMsPerGiB', bound: { absolute: 3_000 }, text: '<= 3 s per GiB' },
      ],
    },
    ...protocolComparisons(),
    ...storeComparisons(),
  ];
}
