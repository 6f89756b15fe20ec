/**
 * A self-contained SVG beside each results JSON: per comparison, one bar per contender for its headline metric
 * (median, with a min-max whisker over rounds), ours in orange, peers in blue (light blue when the durability
 * differs from ours, so no ratio is drawn from it), and the ratio of ours to each comparable baseline.
 */
import type { BenchReport } from './bench-report.js';
import { formatNumber, formatRatio } from './format.js';
import { metricInfo } from './metrics.js';
import type { ComparisonResult } from './runner.js';
import { loadOf } from './results-table.js';

const WIDTH = 980;
const LABEL_WIDTH = 380;
const BAR_WIDTH = 440;
const ROW = 22;
const COLORS = {
  ours: '#e8590c',
  peer: '#1c7ed6',
  reference: '#a5d8ff',
  whisker: '#343a40',
  muted: '#868e96',
} as const;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${x}" y="${y}" ${attrs}>${esc(content)}</text>`;
}

function comparisonBlock(result: ComparisonResult, top: number): { svg: string; height: number } {
  const info = metricInfo(result.metric);
  const parts: string[] = [
    text(10, top + 16, `${result.id}  ${result.title}`, 'font-weight="bold"'),
    text(
      10,
      top + 32,
      `${info.label} (${info.unit}, ${info.higherIsBetter ? 'higher' : 'lower'} is better)`,
      `fill="${COLORS.muted}"`,
    ),
  ];
  let y = top + 40;
  const maxValue = Math.max(
    0,
    ...result.contenders.map((c) => (c.status === 'measured' ? (c.summary[result.metric]?.max ?? 0) : 0)),
  );
  const scale = (v: number): number => (maxValue > 0 ? (v / maxValue) * BAR_WIDTH : 0);
  const subject = result.contenders[0];
  for (const c of result.contenders) {
    const load = loadOf(c.settings);
    const label = `${c.role === 'subject' ? 'ours: ' : ''}${c.label}${load === '' ? '' : `, ${load}`}`;
    parts.push(text(10, y + 15, label.length > 62 ? `${label.slice(0, 61)}...` : label));
    const spread = c.summary[result.metric];
    if (c.status === 'measured' && spread !== undefined) {
      // With ours not built yet there is no durability to differ from: every peer is drawn as a baseline.
      const comparable = c.role === 'subject' || subject?.durability === null || c.durability === subject?.durability;
      const color = c.owner === 'rocketnest' ? COLORS.ours : comparable ? COLORS.peer : COLORS.reference;
      const x0 = LABEL_WIDTH;
      parts.push(
        `<rect x="${x0}" y="${y + 4}" width="${scale(spread.median).toFixed(1)}" height="${ROW - 8}" fill="${color}"/>`,
      );
      if (spread.n > 1) {
        const [a, b] = [x0 + scale(spread.min), x0 + scale(spread.max)];
        const mid = y + ROW / 2;
        parts.push(
          `<path d="M${a.toFixed(1)} ${mid}H${b.toFixed(1)}M${a.toFixed(1)} ${mid - 4}V${mid + 4}M${b.toFixed(1)} ${mid - 4}V${mid + 4}" stroke="${COLORS.whisker}" fill="none"/>`,
        );
      }
      const ratio = result.ratios.find((r) => r.baselineKey === c.key && r.metric === result.metric);
      const ratioText = ratio?.spread != null && ratio.comparable ? `   ours / this: ${formatRatio(ratio.spread)}` : '';
      parts.push(text(x0 + scale(spread.max) + 8, y + 15, `${formatNumber(spread.median)} ${info.unit}${ratioText}`));
    } else {
      const why = c.status === 'not-yet-built' ? 'not yet built' : `${c.status}: ${c.reason ?? ''}`;
      parts.push(
        text(
          LABEL_WIDTH,
          y + 15,
          why.length > 90 ? `${why.slice(0, 89)}...` : why,
          `fill="${COLORS.muted}" font-style="italic"`,
        ),
      );
    }
    y += ROW;
  }
  return { svg: parts.join('\n'), height: y - top + 14 };
}

export function renderChart(report: BenchReport): string {
  const blocks: string[] = [];
  let y = 50;
  for (const result of report.comparisons) {
    const block = comparisonBlock(result, y);
    blocks.push(block.svg);
    y += block.height;
  }
  const probeLines = report.probes.drifts.map(
    (d) =>
      `${d.label}: ${formatNumber(d.start)}${d.end === null ? '' : ` -> ${formatNumber(d.end)}`} ${d.unit}${d.moved ? ' (moved)' : ''}`,
  );
  if (probeLines.length > 0) {
    blocks.push(text(10, y + 16, 'Physical limits (start -> end)', 'font-weight="bold"'));
    y += 24;
    for (const line of probeLines) {
      blocks.push(text(10, y + 14, line));
      y += 18;
    }
  }
  const flags = [
    report.noisy ? 'NOISY RUN' : '',
    report.options.quick ? 'quick run' : '',
    report.capped === undefined ? '' : 'capped',
  ]
    .filter((f) => f !== '')
    .join(', ');
  const title = `Rocketnest bench ${report.startedAt} (${report.host.cpus} CPU, Node ${report.host.node}, ${report.options.rounds} rounds)${flags === '' ? '' : ` - ${flags}`}`;
  const height = y + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(10, 24, title, 'font-size="15" font-weight="bold"'),
    text(
      10,
      42,
      'Bars: median over rounds; whiskers: min-max. Orange: Rocketnest; blue: peers; light blue: other durability (reference only).',
      `fill="${COLORS.muted}"`,
    ),
    ...blocks,
    '</svg>',
    '',
  ].join('\n');
}
