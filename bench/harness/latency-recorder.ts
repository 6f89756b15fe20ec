/**
 * Latency samples kept in an HDR histogram (microsecond units, 3 significant digits): constant memory whatever
 * the message count, percentiles exact to 0.1%.
 */
import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/** One minute: anything slower is clamped and still counted (a bench run never waits that long for one message). */
const HIGHEST_TRACKABLE_US = 60_000_000;

export class LatencyRecorder {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one latency given in milliseconds (sub-microsecond parts are rounded). */
  record(ms: number): void {
    const us = Math.round(ms * 1000);
    this.histogram.recordValue(us < 1 ? 1 : us > HIGHEST_TRACKABLE_US ? HIGHEST_TRACKABLE_US : us);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Null when nothing was recorded, so an empty phase never shows as a 0 ms latency. */
  summary(): LatencySummary | null {
    const h = this.histogram;
    if (h.totalCount === 0) return null;
    const ms = (us: number): number => us / 1000;
    return {
      count: h.totalCount,
      meanMs: ms(h.mean),
      p50Ms: ms(h.getValueAtPercentile(50)),
      p90Ms: ms(h.getValueAtPercentile(90)),
      p99Ms: ms(h.getValueAtPercentile(99)),
      p999Ms: ms(h.getValueAtPercentile(99.9)),
      maxMs: ms(h.maxValue),
    };
  }
}
