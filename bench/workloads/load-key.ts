import type { LoadShape } from '../harness/e2e-workload.js';

/** The part of a contender key after the slash; the peer table's columns are these. */
export function loadKey(load: LoadShape): string {
  switch (load.kind) {
    case 'window':
      return `window-${load.inFlight}`;
    case 'fixed-rate':
      return `rate-${load.perSecond}`;
    case 'drain':
      return 'drain';
  }
}

/** A queue, stream or subject name unique to this process and contender. */
export function benchName(key: string, separator = '-'): string {
  return `rocketnest${separator}bench${separator}${key.replace(/[^A-Za-z0-9]+/g, separator)}${separator}${process.pid}`;
}
