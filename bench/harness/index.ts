/** The harness API a workload file imports: `import { e2eWorkload, ... } from '../../harness/index.js'`. */
export { notYetBuilt, isNotYetBuilt } from './comparison.js';
export type { Comparison, ContenderSlot, NotYetBuilt, Target, TargetBound, ProbeKey } from './comparison.js';
export { e2eWorkload, describeLoad, BenchRunError } from './e2e-workload.js';
export type { E2eWorkloadOptions, LoadShape } from './e2e-workload.js';
export type { MessagingAdapter } from './messaging-adapter.js';
export {
  stampedPayload,
  readStamp,
  stampedObject,
  readStampObject,
  newRunId,
  STAMP_BYTES,
  DEFAULT_PAYLOAD_BYTES,
} from './payload-stamp.js';
export type { Stamp, StampedObject } from './payload-stamp.js';
export { LatencyRecorder } from './latency-recorder.js';
export type { LatencySummary } from './latency-recorder.js';
export { CpuMeter, processCpuUs } from './cpu-meter.js';
export type { CpuSample } from './cpu-meter.js';
export { startServerProcess, ServerStartError } from './server-process.js';
export type { ServerProcess, ServerProcessOptions } from './server-process.js';
export { withTimeCap, TimeCapError } from './time-cap.js';
export { metricValue, metricInfo } from './metrics.js';
export type { MetricKey } from './metrics.js';
export { freePort, freePorts, waitForPort, isPortOpen } from '../peers/port-tools.js';
export { ContenderUnavailableError } from './workload.js';
export type {
  Workload,
  RoundContext,
  SetupContext,
  RoundMeasurement,
  MeasurePlan,
  Durability,
  ContenderOwner,
  SettingValue,
} from './workload.js';
