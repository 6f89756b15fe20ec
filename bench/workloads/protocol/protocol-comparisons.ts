/** Issue 3's protocol and remoting micro-benchmarks (codecs, pipelined request/response vs node:net echo). */
import type { Comparison } from '../../harness/comparison.js';

export function protocolComparisons(): Comparison[] {
  return [];
}
