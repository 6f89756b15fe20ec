/** Issue 4's store micro-benchmarks (libs/store against raw fs in the same run). */
import type { Comparison } from '../../harness/comparison.js';

export function storeComparisons(): Comparison[] {
  return [];
}
