/**
 * Figures derived from a round's raw measurement. Every ratio, target and table cell names one of these keys,
 * so a comparison can be written as data.
 */
import type { RoundMeasurement } from './workload.js';

export type MetricKey =
  | 'msgPerSec'
  | 'opsPerSec'
  | 'sendMsgPerSec'
  | 'mbPerSec'
  | 'sendP50Ms'
  | 'sendP99Ms'
  | 'e2eP50Ms'
  | 'e2eP99Ms'
  | 'e2eP999Ms'
  | 'e2eMaxMs'
  | 'clientCpuUsPerMsg'
  | 'serverCpuUsPerMsg'
  | `extra.${string}`;

export interface MetricInfo {
  readonly label: string;
  readonly unit: string;
  /** Whether a bigger value is better: decides how ratios and targets are read. */
  readonly higherIsBetter: boolean;
}

const METRICS: Readonly<Record<Exclude<MetricKey, `extra.${string}`>, MetricInfo>> = {
  msgPerSec: { label: 'e2e msg/s', unit: 'msg/s', higherIsBetter: true },
  /** Micro-benchmarks (codecs, store appends, request/response): `messages` counts operations. */
  opsPerSec: { label: 'ops/s', unit: 'ops/s', higherIsBetter: true },
  sendMsgPerSec: { label: 'send msg/s', unit: 'msg/s', higherIsBetter: true },
  mbPerSec: { label: 'MB/s', unit: 'MB/s', higherIsBetter: true },
  sendP50Ms: { label: 'send RT p50', unit: 'ms', higherIsBetter: false },
  sendP99Ms: { label: 'send RT p99', unit: 'ms', higherIsBetter: false },
  e2eP50Ms: { label: 'e2e p50', unit: 'ms', higherIsBetter: false },
  e2eP99Ms: { label: 'e2e p99', unit: 'ms', higherIsBetter: false },
  e2eP999Ms: { label: 'e2e p99.9', unit: 'ms', higherIsBetter: false },
  e2eMaxMs: { label: 'e2e max', unit: 'ms', higherIsBetter: false },
  clientCpuUsPerMsg: { label: 'client CPU', unit: 'us/msg', higherIsBetter: false },
  serverCpuUsPerMsg: { label: 'server CPU', unit: 'us/msg', higherIsBetter: false },
};

/** Extra figures are lower-is-better unless named as a rate or a count per something. */
export function metricInfo(key: MetricKey): MetricInfo {
  if (key.startsWith('extra.')) {
    const name = key.slice('extra.'.length);
    return { label: name, unit: '', higherIsBetter: /Per(Sec|Fdatasync|Batch)$|PerSecond$/.test(name) };
  }
  return METRICS[key as Exclude<MetricKey, `extra.${string}`>];
}

/** The value of one metric in one round, or null when the round has no such figure. */
export function metricValue(m: RoundMeasurement, key: MetricKey): number | null {
  const perSecond = (count: number, ms: number): number | null => (ms > 0 && count > 0 ? (count * 1000) / ms : null);
  const perMessage = (us: number | null): number | null => (us === null || m.messages <= 0 ? null : us / m.messages);
  switch (key) {
    case 'msgPerSec':
    case 'opsPerSec':
      return perSecond(m.messages, m.durationMs);
    case 'sendMsgPerSec':
      return m.sent === undefined ? null : perSecond(m.sent.messages, m.sent.durationMs);
    case 'mbPerSec':
      return m.bytes === undefined || m.durationMs <= 0 ? null : m.bytes / 1000 / m.durationMs;
    case 'sendP50Ms':
      return m.sendLatency?.p50Ms ?? null;
    case 'sendP99Ms':
      return m.sendLatency?.p99Ms ?? null;
    case 'e2eP50Ms':
      return m.e2eLatency?.p50Ms ?? null;
    case 'e2eP99Ms':
      return m.e2eLatency?.p99Ms ?? null;
    case 'e2eP999Ms':
      return m.e2eLatency?.p999Ms ?? null;
    case 'e2eMaxMs':
      return m.e2eLatency?.maxMs ?? null;
    case 'clientCpuUsPerMsg':
      return perMessage(m.clientCpuUs);
    case 'serverCpuUsPerMsg':
      return perMessage(m.serverCpuUs);
    default:
      return m.extra?.[key.slice('extra.'.length)] ?? null;
  }
}

/** The metrics every measured contender reports in the tables and the JSON. */
export const REPORTED_METRICS: readonly MetricKey[] = [
  'msgPerSec',
  'sendMsgPerSec',
  'sendP50Ms',
  'sendP99Ms',
  'e2eP50Ms',
  'e2eP99Ms',
  'e2eP999Ms',
  'e2eMaxMs',
  'clientCpuUsPerMsg',
  'serverCpuUsPerMsg',
  'mbPerSec',
];
