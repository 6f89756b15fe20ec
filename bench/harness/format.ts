/** Number formatting shared by the tables and the chart. */
import type { Spread } from './spread-stats.js';

/** 3 significant figures, with k/M for large counts: 22.1k, 1.25M, 0.594, 57.0. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 1) return value.toPrecision(3);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}

/** `22.1k (20.5k-23.0k)`, or just the median when there was one round. */
export function formatSpread(spread: Spread | null | undefined, suffix = ''): string {
  if (spread === null || spread === undefined) return '-';
  const median = `${formatNumber(spread.median)}${suffix}`;
  if (spread.n < 2) return median;
  return `${median} (${formatNumber(spread.min)}-${formatNumber(spread.max)})`;
}

export function formatRatio(spread: Spread | null | undefined): string {
  if (spread === null || spread === undefined) return '-';
  const r = (v: number): string => `${v.toFixed(2)}x`;
  return spread.n < 2 ? r(spread.median) : `${r(spread.median)} (${r(spread.min)}-${r(spread.max)})`;
}
